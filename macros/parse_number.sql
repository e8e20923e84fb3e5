{#- Text to number: blanks become NULL (missing), text that is not a number becomes NULL too and
    the validation layer tells the two apart by looking at the raw text. -#}
{% macro parse_number(column_name) -%}
    {{ dbt.safe_cast("nullif(trim(" ~ column_name ~ "), '')", type_double()) }}
{%- endmacro %}
