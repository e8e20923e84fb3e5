{#- An 8-byte float. dbt.type_float() is 4 bytes on DuckDB, too coarse for roubles. -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'bank_churn')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}
