{#- The customer file's line number of each data row (from 1), in base_bank__customers. Numbering
    rows as they are read makes an engine read on one thread; DuckDB need not: it stores a read in
    file order and numbers the stored rows afterwards (fill_file_line_numbers). -#}
{% macro file_line_number() -%}
    {{ return(adapter.dispatch('file_line_number', 'bank_churn')()) }}
{%- endmacro %}

{% macro default__file_line_number() -%}
    row_number() over ()
{%- endmacro %}

{% macro duckdb__file_line_number() -%}
    {#- filled in by fill_file_line_numbers once the table is stored -#}
    cast(null as bigint)
{%- endmacro %}
