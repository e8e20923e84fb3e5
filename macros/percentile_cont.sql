{#- Continuous percentile as an aggregate; the ordered-set form is standard SQL (DuckDB, Postgres,
    Snowflake). Engines without it add their own implementation here. -#}
{% macro percentile_cont(expression, fraction) -%}
    {{ return(adapter.dispatch('percentile_cont', 'bank_churn')(expression, fraction)) }}
{%- endmacro %}

{% macro default__percentile_cont(expression, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ expression }})
{%- endmacro %}
