{#- A text column of the customer file as the file meant it: unchanged when DuckDB decoded the
    file itself, else mapped character by character from Latin-1 to the single-byte encoding
    named by customers_csv_encoding. Needs the encoding_map relation (from_characters,
    to_characters) in scope when it maps. -#}
{% macro file_text(column_name) -%}
    {%- if var('customers_csv_encoding') | lower == customers_csv_read_encoding() -%}
        {{ column_name }}
    {%- else -%}
        translate({{ column_name }}, encoding_map.from_characters, encoding_map.to_characters)
    {%- endif -%}
{%- endmacro %}
