{#- Bound of the 95% Wilson score interval for a proportion of successes in trials. Unlike the
    normal approximation it stays inside [0, 1] and behaves for small groups and rates near 0. -#}
{% macro wilson_interval(successes, trials, bound, z=1.96) -%}
    {%- if bound not in ('lower', 'upper') -%}
        {{ exceptions.raise_compiler_error("wilson_interval: bound must be 'lower' or 'upper', got " ~ bound) }}
    {%- endif -%}
    {%- set n = 'cast(' ~ trials ~ ' as ' ~ type_double() ~ ')' -%}
    {%- set p = 'cast(' ~ successes ~ ' as ' ~ type_double() ~ ') / nullif(' ~ n ~ ', 0)' -%}
    {#- clamped: at 0 or all successes rounding can push a bound a hair outside [0, 1] #}
    greatest(0, least(1, (
        ({{ p }}) + {{ z * z }} / (2 * {{ n }})
        {{ '-' if bound == 'lower' else '+' }} {{ z }} * sqrt(
            ({{ p }}) * (1 - ({{ p }})) / {{ n }} + {{ z * z }} / (4 * {{ n }} * {{ n }})
        )
    ) / (1 + {{ z * z }} / {{ n }})))
{%- endmacro %}
