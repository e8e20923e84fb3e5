{#- The encoding DuckDB reads the customer file in: the var customers_csv_encoding when DuckDB
    decodes it itself (utf-8, utf-16, latin-1), else Latin-1, which turns each byte into one
    character so that file_text() can map a single-byte encoding such as cp1251 back. The source
    YAML repeats this rule. -#}
{% macro customers_csv_read_encoding() -%}
    {%- set encoding = var('customers_csv_encoding') | lower -%}
    {{ return(encoding if encoding in ['utf-8', 'utf-16', 'latin-1'] else 'latin-1') }}
{%- endmacro %}
