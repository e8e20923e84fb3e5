{#- Part of assert_csv_source_is_usable: reads the file as plain lines and stops the build, naming
    the line, where quoting is broken (text after a closing quote, a quote never closed). A
    lenient CSV reader would instead guess where such a field ends and could change a value
    without a trace, so the file is refused before it is read. -#}
{% macro assert_csv_quoting_is_sound(where, quoted_path) -%}
    {%- set delimiter = var('customers_csv_delimiter') -%}
    {#- the delimiter inside a regular-expression class; `|` and tab need no escaping there -#}
    {%- set separator = delimiter | replace("'", "''") -%}
    {%- set lines_sql -%}
        with lines as (
            select row_number() over () as line_number, line
            from read_csv(
                {{ quoted_path }}, columns = {'line': 'VARCHAR'}, header = false,
                auto_detect = false, delim = '{{ "\x1e" }}', quote = '', escape = '', comment = '',
                strict_mode = false, max_line_size = {{ customers_csv_max_line_bytes() }},
                encoding = '{{ customers_csv_read_encoding() }}'
            )
        ),
        counted as (
            select
                line_number,
                line,
                length(line) - length(replace(line, '"', '')) as quotes,
                sum(length(line) - length(replace(line, '"', ''))) over (order by line_number)
                    as quotes_so_far
            from lines
        )
        select
            min(line_number) filter (
                where regexp_matches(line, '(^|[{{ separator }}])"([^"]|"")*"[^{{ separator }}"\r]')
            ),
            max(line_number) filter (where quotes_so_far % 2 = 1 and (quotes_so_far - quotes) % 2 = 0),
            coalesce(max(quotes_so_far) % 2 = 1, false)
        from counted
    {%- endset -%}
    {%- set found = run_query(lines_sql).rows[0] -%}
    {%- if found[0] is not none -%}
        {{ exceptions.raise_compiler_error(where ~ " has text after a closing quote on line " ~ found[0] ~ ", so where that field ends is unknown. Fix the line (a quote inside a quoted field is written twice: \"\") and build again.") }}
    {%- endif -%}
    {%- if found[2] -%}
        {{ exceptions.raise_compiler_error(where ~ " has a quote opened on line " ~ found[1] ~ " that is never closed (was the file cut short?).") }}
    {%- endif -%}
{%- endmacro %}
