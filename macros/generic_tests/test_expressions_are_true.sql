{#- Returns the rows for which any of the boolean SQL expressions over the model's columns is not
    true (NULL counts as not true): every row rule of a model in one pass over it. -#}
{% test expressions_are_true(model, expressions) %}
    {%- if not expressions -%}
        {{ exceptions.raise_compiler_error("expressions_are_true on " ~ model ~ ": give boolean SQL expressions.") }}
    {%- endif -%}

    select *
    from {{ model }}
    where
        {%- for expression in expressions %}
            {{ 'or ' if not loop.first }}not coalesce({{ expression }}, false)
        {%- endfor %}
{% endtest %}
