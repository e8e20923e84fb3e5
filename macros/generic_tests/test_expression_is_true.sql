{#- Returns the rows for which a boolean SQL expression over the model's columns is not true. -#}
{% test expression_is_true(model, expression) %}
    {%- if not expression -%}
        {{ exceptions.raise_compiler_error("expression_is_true on " ~ model ~ ": give a boolean SQL expression.") }}
    {%- endif -%}

    select *
    from {{ model }}
    where not coalesce({{ expression }}, false)
{% endtest %}
