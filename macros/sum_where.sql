{#- The sum of a value over the rows of the group that meet a condition, as a 64-bit integer (a
    plain sum of integers is a 128-bit integer on DuckDB, which Tableau extracts cannot hold). -#}
{% macro sum_where(condition, value) -%}
    {{ dbt.cast('sum(case when ' ~ condition ~ ' then ' ~ value ~ ' else 0 end)', dbt.type_bigint()) }}
{%- endmacro %}
