{#- Number text with a decimal point, whatever the file's decimal separator (the var
    customers_csv_decimal_separator): `59214,82` from an Excel export reads `59214.82`. -#}
{% macro with_decimal_point(expression) -%}
    {%- if var('customers_csv_decimal_separator') == ',' -%}
        {{ dbt.replace(expression, "','", "'.'") }}
    {%- else -%}
        {{ expression }}
    {%- endif -%}
{%- endmacro %}
