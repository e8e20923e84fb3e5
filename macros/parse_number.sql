{#- Text to number: blanks become NULL (missing), and so does text that is not a plain decimal
    number; the validation layer tells the two apart by looking at the raw text. -#}
{% macro parse_number(column_name) -%}
    case
        when {{ is_number_text(trim_whitespace(column_name)) }}
            then {{ dbt.safe_cast(trim_whitespace(column_name), type_double()) }}
    end
{%- endmacro %}
