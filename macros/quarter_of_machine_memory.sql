{#- A quarter of the machine's memory as a DuckDB memory size (`6040MiB`), read back from DuckDB's
    own default memory_limit, which is 80% of it; DuckDB has no function that gives the memory
    itself. Run before any setting changes memory_limit. -#}
{% macro quarter_of_machine_memory() -%}
    {%- set current = run_query("select current_setting('memory_limit')").columns[0].values()[0] -%}
    {%- set amount, unit = current.split(' ') -%}
    {%- set unit_bytes = {
        'bytes': 1, 'KiB': 1024, 'MiB': 1024 ** 2, 'GiB': 1024 ** 3, 'TiB': 1024 ** 4,
    }[unit] -%}
    {%- set quarter_mib = (amount | float * unit_bytes / 0.8 / 4 / 1024 ** 2) | int -%}
    {{ return(quarter_mib ~ 'MiB') }}
{%- endmacro %}
