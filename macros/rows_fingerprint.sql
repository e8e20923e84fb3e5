{#- One number for a whole set of rows: the sum of a hash of each row's values. Two sets of rows
    with the same count and the same fingerprint hold the same rows, whatever their order, so
    a reconciliation of two large tables is two aggregates instead of a join. DuckDB and Spark
    both name the hash `hash`; the values must have the same types on both sides. -#}
{% macro rows_fingerprint(expressions) -%}
    sum(hash({{ expressions | join(', ') }}))
{%- endmacro %}
