{#- Stops the build with a message that names the file and the problem when a file-backed source
    is missing, empty, has no data rows or lacks a column declared in its source YAML. Without
    this, DuckDB would fail later with a binder error that names neither. -#}
{% macro assert_csv_source_is_usable(source_name, table_name, path) -%}
    {{ return(adapter.dispatch('assert_csv_source_is_usable', 'bank_churn')(source_name, table_name, path)) }}
{%- endmacro %}

{% macro default__assert_csv_source_is_usable(source_name, table_name, path) -%}
    {#- Other engines receive the snapshot as a loaded table, guarded by source tests. -#}
{%- endmacro %}

{% macro duckdb__assert_csv_source_is_usable(source_name, table_name, path) -%}
    {%- if execute and model.resource_type != 'unit_test' -%}
        {%- set where = "Customer file '" ~ path ~ "'" -%}
        {%- set quoted_path = "'" ~ path | replace("'", "''") ~ "'" -%}

        {%- set matches = run_query("select count(*) from glob(" ~ quoted_path ~ ")").columns[0].values()[0] -%}
        {%- if matches == 0 -%}
            {{ exceptions.raise_compiler_error(where ~ " does not exist. Point BANK_CUSTOMERS_CSV (or --vars customers_csv) at the customer export.") }}
        {%- endif -%}

        {%- set size_bytes = run_query("select size from read_blob(" ~ quoted_path ~ ")").columns[0].values()[0] -%}
        {%- if size_bytes == 0 -%}
            {{ exceptions.raise_compiler_error(where ~ " is empty (0 bytes).") }}
        {%- endif -%}

        {%- set reader = source(source_name, table_name) -%}
        {%- set found_columns = run_query("select * from " ~ reader ~ " limit 0").column_names | map('lower') | list -%}
        {%- set declared = graph.sources.values()
            | selectattr('source_name', 'equalto', source_name)
            | selectattr('name', 'equalto', table_name)
            | first -%}
        {%- set missing = [] -%}
        {%- for column_name in declared.columns -%}
            {%- if column_name | lower not in found_columns -%}
                {%- do missing.append(column_name) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if missing -%}
            {{ exceptions.raise_compiler_error(where ~ " lacks required column(s): " ~ missing | join(', ') ~ ". Columns found: " ~ found_columns | join(', ') ~ ".") }}
        {%- endif -%}

        {%- set data_rows = run_query("select count(*) from (select 1 as present from " ~ reader ~ " limit 1) as first_row").columns[0].values()[0] -%}
        {%- if data_rows == 0 -%}
            {{ exceptions.raise_compiler_error(where ~ " has a header but no data rows.") }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
