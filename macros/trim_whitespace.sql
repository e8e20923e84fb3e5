{#- Trims spaces, tabs and line breaks from both ends (SQL's trim removes spaces only), and
    turns an empty result into NULL: a blank field is a missing value. -#}
{% macro trim_whitespace(expression) -%}
    {{ return(adapter.dispatch('trim_whitespace', 'bank_churn')(expression)) }}
{%- endmacro %}

{% macro default__trim_whitespace(expression) -%}
    nullif(trim(translate({{ expression }}, chr(9) || chr(10) || chr(13), '   ')), '')
{%- endmacro %}

{% macro duckdb__trim_whitespace(expression) -%}
    {#- translate costs DuckDB more than the rest of the parse, and almost no field holds a tab
        or a line break, so it runs only on the fields that do -#}
    nullif(trim(
        case
            when
                contains({{ expression }}, chr(9))
                or contains({{ expression }}, chr(10))
                or contains({{ expression }}, chr(13))
                then translate({{ expression }}, chr(9) || chr(10) || chr(13), '   ')
            else {{ expression }}
        end
    ), '')
{%- endmacro %}
