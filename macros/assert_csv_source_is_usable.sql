{#- Stops the build with a message that names the file and the problem when a file-backed source
    is missing, ambiguous, empty, not in the declared encoding, has no data rows, lacks a column
    declared in its source YAML or names one twice, or when the vars describing the file's
    dialect are unusable. Without this, DuckDB would fail later with an error that names neither
    the file nor the fix. -#}
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
        {%- elif matches > 1 -%}
            {{ exceptions.raise_compiler_error(where ~ " matches " ~ matches ~ " files; name exactly one file.") }}
        {%- endif -%}

        {%- set size_bytes = run_query("select size from read_blob(" ~ quoted_path ~ ")").columns[0].values()[0] -%}
        {#- a short file of only blanks, line breaks or a byte-order mark is empty too -#}
        {%- set looks_blank = size_bytes < 64 and run_query(
            "select trim(translate(decode(content), chr(65279) || chr(9) || chr(10) || chr(13), '    ')) = ''"
            ~ " from read_blob(" ~ quoted_path ~ ")"
        ).columns[0].values()[0] -%}
        {%- if size_bytes == 0 or looks_blank -%}
            {{ exceptions.raise_compiler_error(where ~ " is empty (" ~ size_bytes ~ " bytes).") }}
        {%- endif -%}

        {{ assert_csv_dialect_is_usable(where, quoted_path) }}
        {{ assert_csv_quoting_is_sound(where, quoted_path) }}

        {%- set found_columns = source_file_columns(source_name, table_name) -%}
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
            {%- set delimiter = var('customers_csv_delimiter') -%}
            {%- set hint = [] -%}
            {%- for candidate in [',', ';', '\t', '|'] if candidate != delimiter and candidate in found_columns | join('') -%}
                {%- do hint.append(" The header looks separated by '" ~ (candidate if candidate != '\t' else 'tab') ~ "', not '" ~ delimiter ~ "': build with --vars '{customers_csv_delimiter: \"" ~ (candidate if candidate != '\t' else '\\t') ~ "\"}'.") -%}
            {%- endfor -%}
            {{ exceptions.raise_compiler_error(where ~ " lacks required column(s): " ~ missing | join(', ') ~ ". Columns found: " ~ found_columns | join(', ') ~ "." ~ hint | first | default('')) }}
        {%- endif -%}
        {%- for column_name in declared.columns if (column_name | lower ~ '_1') in found_columns -%}
            {{ exceptions.raise_compiler_error(where ~ " names column " ~ column_name ~ " more than once in its header, so which one holds the data is unknown. Columns found: " ~ found_columns | join(', ') ~ ".") }}
        {%- endfor -%}

        {%- set reader = source(source_name, table_name) -%}
        {%- set data_rows = run_query("select count(*) from (select 1 as present from " ~ reader ~ " limit 1) as first_row").columns[0].values()[0] -%}
        {%- if data_rows == 0 -%}
            {{ exceptions.raise_compiler_error(where ~ " has a header but no data rows.") }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
