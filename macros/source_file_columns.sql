{#- The columns a source actually has when read, lower-cased, in file order; empty while
    parsing and in unit tests, where the source is a fixture. -#}
{% macro source_file_columns(source_name, table_name) -%}
    {%- if not execute or model.resource_type == 'unit_test' -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set probe = run_query("select * from " ~ source(source_name, table_name) ~ " where 1 = 0") -%}
    {{ return(probe.column_names | map('lower') | list) }}
{%- endmacro %}
