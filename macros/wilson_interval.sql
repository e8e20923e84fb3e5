{#- Bound of the 95% Wilson score interval for a proportion of successes in trials. Unlike the
    normal approximation it stays inside [0, 1] and behaves for small groups and rates near 0.
    Exact at the edges: the lower bound of no successes is 0 and the upper bound of all successes
    is 1, where the score formula, rounded, lands a hair off (2e-17 above a rate of 0, 2e-16 below
    a rate of 1); and a bound never falls on the wrong side of its own rate. NULL without trials. -#}
{% macro wilson_interval(successes, trials, bound, z=1.96) -%}
    {%- if bound not in ('lower', 'upper') -%}
        {{ exceptions.raise_compiler_error("wilson_interval: bound must be 'lower' or 'upper', got " ~ bound) }}
    {%- endif -%}
    {%- set is_lower = bound == 'lower' -%}
    {%- set n = 'cast(' ~ trials ~ ' as ' ~ type_double() ~ ')' -%}
    {%- set p = 'cast(' ~ successes ~ ' as ' ~ type_double() ~ ') / ' ~ n -%}
    {%- set score_bound -%}
        (({{ p }}) + {{ z * z }} / (2 * {{ n }}) {{ '-' if is_lower else '+' }} {{ z }} * sqrt(({{ p }}) * (1 - ({{ p }})) / {{ n }} + {{ z * z }} / (4 * {{ n }} * {{ n }}))) / (1 + {{ z * z }} / {{ n }})
    {%- endset -%}
    case
        when {{ trials }} > 0 and {{ successes }} = {{ '0' if is_lower else trials }}
            then {{ '0' if is_lower else '1' }}
        when {{ trials }} > 0
            then {{ 'least' if is_lower else 'greatest' }}(({{ p }}), {{ 'greatest(0, ' if is_lower else 'least(1, ' }}{{ score_bound }}))
    end
{%- endmacro %}
