{#- How many rows of the group meet a condition, as a 64-bit integer (a plain sum of 0/1 is a
    128-bit integer on DuckDB, which Tableau extracts cannot hold). -#}
{% macro count_where(condition) -%}
    {{ dbt.cast('sum(case when ' ~ condition ~ ' then 1 else 0 end)', dbt.type_bigint()) }}
{%- endmacro %}
