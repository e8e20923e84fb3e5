{#- Returns the rows where any listed column lies outside its range, ends inclusive: every range
    rule of a model in one pass over it, instead of one scan (and one dbt node) per column.
    `ranges` is a list of {columns, min_value, max_value}, either bound optional. NULLs pass:
    pair with not_null_columns where a value is required. -#}
{% test columns_in_range(model, ranges) %}
    {%- set out_of_range = [] -%}
    {%- set columns = [] -%}
    {%- for range in ranges -%}
        {%- set min_value = range.get('min_value') -%}
        {%- set max_value = range.get('max_value') -%}
        {%- if not range.get('columns') or (min_value is none and max_value is none) -%}
            {{ exceptions.raise_compiler_error("columns_in_range on " ~ model ~ ": each range needs columns and min_value, max_value or both.") }}
        {%- endif -%}
        {%- for column_name in range['columns'] -%}
            {%- do columns.append(column_name) -%}
            {%- if min_value is not none -%}
                {%- do out_of_range.append(column_name ~ ' < ' ~ min_value) -%}
            {%- endif -%}
            {%- if max_value is not none -%}
                {%- do out_of_range.append(column_name ~ ' > ' ~ max_value) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}

    select {{ columns | unique | join(', ') }}
    from {{ model }}
    where
        {%- for condition in out_of_range %}
            {{ 'or ' if not loop.first }}{{ condition }}
        {%- endfor %}
{% endtest %}
