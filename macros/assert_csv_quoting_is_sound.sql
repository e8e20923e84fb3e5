{#- Part of assert_csv_source_is_usable: reads the file as plain lines and stops the build, naming
    the line, where quoting is broken (text after a closing quote, a quote never closed). A
    lenient CSV reader would instead guess where such a field ends and could change a value
    without a trace, so the file is refused before it is read.
    A sound file costs one scan on every core: whether anything is broken needs no line numbers
    (quotes only ever open and close within the whole file's count). Numbering the lines makes
    DuckDB read on one thread, so only a broken file pays for the second scan that names the
    line. -#}
{% macro assert_csv_quoting_is_sound(where, quoted_path) -%}
    {%- set separator = var('customers_csv_delimiter') | replace("'", "''") -%}
    {#- the delimiter inside a regular-expression class; `|` and tab need no escaping there -#}
    {%- set text_after_closing_quote -%}
        contains(line, '"')
        and regexp_matches(line, '(^|[{{ separator }}])"([^"]|"")*"[^{{ separator }}"\r]')
    {%- endset -%}
    {%- set quotes_on_line = "length(line) - length(replace(line, '\"', ''))" -%}
    {%- set file_lines -%}
        read_csv(
            {{ quoted_path }}, columns = {'line': 'VARCHAR'}, header = false,
            auto_detect = false, delim = '{{ "\x1e" }}', quote = '', escape = '', comment = '',
            strict_mode = false, max_line_size = {{ customers_csv_max_line_bytes() }},
            encoding = '{{ customers_csv_read_encoding() }}'
        )
    {%- endset -%}
    {%- set broken = run_query(
        "select coalesce(bool_or(" ~ text_after_closing_quote ~ "), false), "
        ~ "coalesce(sum(" ~ quotes_on_line ~ ") % 2 = 1, false) from " ~ file_lines
    ).rows[0] -%}
    {%- if broken[0] or broken[1] -%}
        {%- set locate_sql -%}
            with lines as (
                select row_number() over () as line_number, line
                from {{ file_lines }}
            ),
            counted as (
                select
                    line_number,
                    line,
                    {{ quotes_on_line }} as quotes,
                    sum({{ quotes_on_line }}) over (order by line_number) as quotes_so_far
                from lines
            )
            select
                min(line_number) filter (where {{ text_after_closing_quote }}),
                max(line_number) filter (
                    where quotes_so_far % 2 = 1 and (quotes_so_far - quotes) % 2 = 0
                )
            from counted
        {%- endset -%}
        {%- set found = run_query(locate_sql).rows[0] -%}
        {%- if broken[0] -%}
            {{ exceptions.raise_compiler_error(where ~ " has text after a closing quote on line " ~ found[0] ~ ", so where that field ends is unknown. Fix the line (a quote inside a quoted field is written twice: \"\") and build again.") }}
        {%- endif -%}
        {{ exceptions.raise_compiler_error(where ~ " has a quote opened on line " ~ found[1] ~ " that is never closed (was the file cut short?).") }}
    {%- endif -%}
{%- endmacro %}
