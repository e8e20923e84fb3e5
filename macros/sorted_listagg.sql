{#- The group's non-NULL texts joined by `delimiter`, in ascending order of the `order_by`
    expressions (default: the text itself); NULL when there are none. The same as dbt.listagg
    with that order. -#}
{% macro sorted_listagg(expression, delimiter, order_by=none) -%}
    {{ return(adapter.dispatch('sorted_listagg', 'bank_churn')(expression, delimiter, order_by or [expression])) }}
{%- endmacro %}

{% macro default__sorted_listagg(expression, delimiter, order_by) -%}
    {{ dbt.listagg(expression, delimiter, 'order by ' ~ order_by | join(', ')) }}
{%- endmacro %}

{% macro duckdb__sorted_listagg(expression, delimiter, order_by) -%}
    {#- DuckDB's ordered string_agg sorts group by group and takes seconds per hundred thousand
        groups; gathering each group's few texts and sorting that small list is twenty times
        faster. Texts ordered by themselves are listed bare: under a memory limit a list of structs
        per group ran out of memory where a list of texts spilled to disk (the rows' verdicts,
        at a hundred million rows). -#}
    {%- if order_by == [expression] -%}
        {%- set listed = 'list_sort(list(' ~ expression ~ ') filter (where ' ~ expression ~ ' is not null))' -%}
    {%- else -%}
        {%- set fields = [] -%}
        {%- for key in order_by -%}
            {%- do fields.append('sort_key_' ~ loop.index ~ ' := ' ~ key) -%}
        {%- endfor -%}
        {%- do fields.append('listed_text := ' ~ expression) -%}
        {%- set listed = 'list_transform(list_sort(list(struct_pack(' ~ fields | join(', ')
            ~ ')) filter (where ' ~ expression ~ ' is not null)), listed -> listed.listed_text)' -%}
    {%- endif -%}
    nullif(array_to_string({{ listed }}, {{ delimiter }}), '')
{%- endmacro %}
