{#- Trims spaces, tabs and line breaks from both ends (SQL's trim removes spaces only), and
    turns an empty result into NULL: a blank field is a missing value. -#}
{% macro trim_whitespace(expression) -%}
    nullif(trim(translate({{ expression }}, chr(9) || chr(10) || chr(13), '   ')), '')
{%- endmacro %}
