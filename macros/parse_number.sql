{#- Text to number: blanks become NULL (missing), and so does text that is not a plain decimal
    number; the validation layer tells the two apart by looking at the raw text. -#}
{% macro parse_number(column_name) -%}
    {%- set number_text = with_decimal_point(trim_whitespace(column_name)) -%}
    case
        when {{ is_number_text(number_text) }}
            then {{ dbt.safe_cast(number_text, type_double()) }}
    end
{%- endmacro %}
