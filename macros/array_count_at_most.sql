{#- How many elements of the array are at or below the value; NULL when the value is. -#}
{% macro array_count_at_most(array, value) -%}
    case when {{ value }} is not null then {{ adapter.dispatch('array_count_at_most', 'bank_churn')(array, value) }} end
{%- endmacro %}

{% macro default__array_count_at_most(array, value) -%}
    (select count(*) from unnest({{ array }}) as elements (element) where element <= {{ value }})
{%- endmacro %}

{% macro duckdb__array_count_at_most(array, value) -%}
    {#- a lambda over the row's own array: DuckDB turns the correlated subquery into a join -#}
    len(list_filter({{ array }}, lambda element: element <= {{ value }}))
{%- endmacro %}
