{#- Sizes the engine to the machine before a build: each setting comes from a dbt var, else an
    environment variable, else the engine keeps its own default. Run as the project's
    on-run-start hook. -#}
{% macro apply_engine_settings() -%}
    {{ return(adapter.dispatch('apply_engine_settings', 'bank_churn')()) }}
{%- endmacro %}

{% macro default__apply_engine_settings() -%}
    select 1
{%- endmacro %}

{% macro duckdb__apply_engine_settings() -%}
    {#- DuckDB's defaults: threads = the machine's cores, temp_directory `<warehouse file>.tmp`.
        memory_limit defaults here to a quarter of the machine's memory rather than DuckDB's 80%:
        DuckDB fills whatever it may with cache (15 GB of 24 at ten million customers) and builds
        no faster for it (6 GB took the same time), while the analyst's other programs need the
        rest. Past memory_limit DuckDB spills to temp_directory instead of failing, so a snapshot
        larger than memory still builds. -#}
    {%- set settings = {
        'memory_limit': var('duckdb_memory_limit', env_var('BANK_DUCKDB_MEMORY_LIMIT', ''))
            or (quarter_of_machine_memory() if execute else ''),
        'threads': var('duckdb_threads', env_var('BANK_DUCKDB_THREADS', '')),
        'temp_directory': var('duckdb_temp_directory', env_var('BANK_DUCKDB_TEMP_DIRECTORY', '')),
    } -%}
    {%- set statements = [] -%}
    {%- for name, value in settings.items() if value | string | length > 0 -%}
        {%- do statements.append("set " ~ name ~ " = '" ~ (value | string | replace("'", "''")) ~ "'") -%}
    {%- endfor -%}
    {{ statements | join(';\n') if statements else 'select 1' }}
{%- endmacro %}
