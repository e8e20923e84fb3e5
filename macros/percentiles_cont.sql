{#- The continuous percentiles of an expression at several fractions, as a list of aggregate
    expressions, one per fraction, in the order given. -#}
{% macro percentiles_cont(expression, fractions) -%}
    {{ return(adapter.dispatch('percentiles_cont', 'bank_churn')(expression, fractions)) }}
{%- endmacro %}

{% macro default__percentiles_cont(expression, fractions) -%}
    {%- set percentiles = [] -%}
    {%- for fraction in fractions -%}
        {%- do percentiles.append(
            'percentile_cont(' ~ fraction ~ ') within group (order by ' ~ expression ~ ')'
        ) -%}
    {%- endfor -%}
    {{ return(percentiles) }}
{%- endmacro %}

{% macro duckdb__percentiles_cont(expression, fractions) -%}
    {#- DuckDB holds every value of a group in memory for each quantile aggregate, outside its
        memory limit: three quartiles over four amounts ran a hundred million customers out of
        the machine's memory. One aggregate over the list of fractions holds the values once, and
        DuckDB computes an aggregate written several times once. -#}
    {%- set aggregate = 'quantile_cont(' ~ expression ~ ', [' ~ fractions | join(', ') ~ '])' -%}
    {%- set percentiles = [] -%}
    {%- for fraction in fractions -%}
        {%- do percentiles.append(aggregate ~ '[' ~ loop.index ~ ']') -%}
    {%- endfor -%}
    {{ return(percentiles) }}
{%- endmacro %}
