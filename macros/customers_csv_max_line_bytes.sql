{#- The longest line, in bytes, the customer file may have: DuckDB's 2 MB default raised to 8 MB so
    that a row with a very long value is read and quarantined rather than stopping the build.
    The source YAML repeats this number. -#}
{% macro customers_csv_max_line_bytes() -%}
    {{ return(8388608) }}
{%- endmacro %}
