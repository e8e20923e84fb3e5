{#- DuckDB's try_cast returns NULL instead of failing, so one bad value never aborts a load.
    dbt's own default is a plain cast; the project's dispatch search order puts this first. -#}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}
