{#- The group's non-NULL texts in ascending order, joined by `delimiter`; NULL when there are
    none. The same as dbt.listagg ordered by the text itself. -#}
{% macro sorted_listagg(expression, delimiter) -%}
    {{ return(adapter.dispatch('sorted_listagg', 'bank_churn')(expression, delimiter)) }}
{%- endmacro %}

{% macro default__sorted_listagg(expression, delimiter) -%}
    {{ dbt.listagg(expression, delimiter, 'order by ' ~ expression) }}
{%- endmacro %}

{% macro duckdb__sorted_listagg(expression, delimiter) -%}
    {#- DuckDB's ordered string_agg sorts group by group and takes seconds per hundred thousand
        groups; gathering each group's few texts and sorting the small list is twenty times
        faster -#}
    nullif(array_to_string(list_sort(list({{ expression }}) filter (where {{ expression }} is not null)), {{ delimiter }}), '')
{%- endmacro %}
