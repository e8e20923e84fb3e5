{#- True when a text is a plain decimal number: optional sign, digits with an optional decimal
    point, optional exponent. Rejects what lenient casts accept but a bank export never means:
    `nan`, `inf`, `1_000`, `0x10`. -#}
{% macro is_number_text(expression) -%}
    {{ return(adapter.dispatch('is_number_text', 'bank_churn')(expression)) }}
{%- endmacro %}

{% macro default__is_number_text(expression) -%}
    regexp_like({{ expression }}, '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$')
{%- endmacro %}

{% macro duckdb__is_number_text(expression) -%}
    regexp_full_match({{ expression }}, '[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?')
{%- endmacro %}
