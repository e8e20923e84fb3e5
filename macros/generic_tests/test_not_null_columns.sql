{#- Returns the rows where any of the named columns is NULL: every required column of a model
    checked in one pass over it, instead of one scan (and one dbt node) per column. -#}
{% test not_null_columns(model, column_names) %}
    {%- if not column_names -%}
        {{ exceptions.raise_compiler_error("not_null_columns on " ~ model ~ ": name the columns.") }}
    {%- endif -%}

    select {{ column_names | join(', ') }}
    from {{ model }}
    where
        {%- for column_name in column_names %}
            {{ 'or ' if not loop.first }}{{ column_name }} is null
        {%- endfor %}
{% endtest %}
