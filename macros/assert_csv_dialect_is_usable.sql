{#- Part of assert_csv_source_is_usable: the vars that describe how the customer file is written
    are ones the reader understands, and the file is in the declared encoding. A UTF-8 check
    failing is how a Windows-1251 Excel export shows itself, so the message says what to set. -#}
{% macro assert_csv_dialect_is_usable(where, quoted_path) -%}
    {%- set encoding = var('customers_csv_encoding') | lower -%}
    {%- set delimiter = var('customers_csv_delimiter') -%}
    {%- set decimal_separator = var('customers_csv_decimal_separator') -%}
    {%- if delimiter not in [',', ';', '\t', '|'] -%}
        {{ exceptions.raise_compiler_error("customers_csv_delimiter must be one of , ; | or a tab (\\t); got '" ~ delimiter ~ "'.") }}
    {%- endif -%}
    {%- if decimal_separator not in ['.', ','] -%}
        {{ exceptions.raise_compiler_error("customers_csv_decimal_separator must be '.' or ','; got '" ~ decimal_separator ~ "'.") }}
    {%- endif -%}
    {%- if decimal_separator == delimiter -%}
        {{ exceptions.raise_compiler_error("customers_csv_decimal_separator and customers_csv_delimiter are both '" ~ delimiter ~ "'; a file with decimal commas is separated by ';'.") }}
    {%- endif -%}
    {%- if encoding != customers_csv_read_encoding() -%}
        {%- set known = run_query(
            "select count(*) from " ~ ref('single_byte_encodings')
            ~ " where encoding = '" ~ encoding | replace("'", "''") ~ "'"
        ).columns[0].values()[0] -%}
        {%- if known == 0 -%}
            {{ exceptions.raise_compiler_error("customers_csv_encoding '" ~ encoding ~ "' is not known: use utf-8, utf-16, latin-1 or an encoding listed in seeds/single_byte_encodings.csv (cp1251).") }}
        {%- endif -%}
    {%- elif encoding == 'utf-8' -%}
        {#- DuckDB's reader checks the bytes as it streams the file, each line as one field, and
            sets the lines it cannot decode aside in its rejects table: one pass in bounded memory
            at any size (a file read whole as one value must fit in 4 GiB, and in memory) -#}
        {%- do run_query("drop table if exists reject_errors") -%}
        {%- do run_query("drop table if exists reject_scans") -%}
        {%- do run_query(
            "select count(*) from read_csv(" ~ quoted_path ~ ", columns = {'line': 'varchar'},"
            ~ " header = false, auto_detect = false, delim = chr(1), quote = '', escape = '',"
            ~ " comment = '', strict_mode = false, null_padding = true,"
            ~ " max_line_size = " ~ customers_csv_max_line_bytes() ~ ","
            ~ " encoding = 'utf-8', ignore_errors = true, store_rejects = true)"
        ) -%}
        {%- set first_undecodable_line = none -%}
        {%- if run_query("select count(*) from duckdb_tables() where table_name = 'reject_errors'").columns[0].values()[0] > 0 -%}
            {%- set first_undecodable_line = run_query(
                "select min(line) from reject_errors where error_type = 'INVALID ENCODING'"
            ).columns[0].values()[0] -%}
            {%- do run_query("drop table reject_errors") -%}
            {%- do run_query("drop table if exists reject_scans") -%}
        {%- endif -%}
        {%- if first_undecodable_line is not none -%}
            {{ exceptions.raise_compiler_error(where ~ " is not UTF-8 text (line " ~ first_undecodable_line ~ " is the first that is not). An Excel export in Russian is usually Windows-1251: build with --vars '{customers_csv_encoding: cp1251}' (add customers_csv_delimiter: \";\" and customers_csv_decimal_separator: \",\" if its fields are separated by semicolons).") }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
