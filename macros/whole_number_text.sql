{#- A number rounded to a whole number and written as text, for plain-language labels. -#}
{% macro whole_number_text(expression) -%}
    {{ dbt.cast(dbt.cast('round(' ~ expression ~ ')', dbt.type_bigint()), dbt.type_string()) }}
{%- endmacro %}
