{#- Returns each combination of the given columns that occurs more than once. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
    {%- if combination_of_columns is string or combination_of_columns | length < 2 -%}
        {{ exceptions.raise_compiler_error("unique_combination_of_columns on " ~ model ~ ": give a list of two or more columns.") }}
    {%- endif -%}

    select
        {{ combination_of_columns | join(', ') }},
        count(*) as occurrences
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1
{% endtest %}
