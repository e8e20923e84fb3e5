{#- The post-hook of base_bank__customers that completes file_line_number: on DuckDB, which keeps
    a plain scan's order when it stores it (preserve_insertion_order), stored rows' rowids run in
    file order. They start at 0 once committed but far higher inside the transaction that wrote
    them, where the hook runs, so the numbers count from the smallest. Other engines number the
    rows as they read them, so there is nothing to fill. -#}
{% macro fill_file_line_numbers(relation) -%}
    {{ return(adapter.dispatch('fill_file_line_numbers', 'bank_churn')(relation)) }}
{%- endmacro %}

{% macro default__fill_file_line_numbers(relation) -%}
    select 1
{%- endmacro %}

{% macro duckdb__fill_file_line_numbers(relation) -%}
    update {{ relation }}
    set source_row_number = rowid - (select min(rowid) from {{ relation }}) + 1
{%- endmacro %}
