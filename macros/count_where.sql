{#- How many rows of the group meet a condition, as a 64-bit integer. -#}
{% macro count_where(condition) -%}
    {{ sum_where(condition, 1) }}
{%- endmacro %}
