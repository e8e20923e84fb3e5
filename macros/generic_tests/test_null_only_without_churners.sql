{#- Returns the rows where a figure measured against the bank's churners (a lift, a share of
    churners) breaks its NULL rule: it is NULL exactly when the file has no churners, where it is
    undefined, and present otherwise. -#}
{% test null_only_without_churners(model, column_names) %}
    {%- if not column_names -%}
        {{ exceptions.raise_compiler_error("null_only_without_churners on " ~ model ~ ": name the columns.") }}
    {%- endif -%}

    select
        {%- for column_name in column_names %}
            tested.{{ column_name }},
        {%- endfor %}
        baseline.churned_customers as bank_churned_customers
    from {{ model }} as tested
    cross join {{ ref('int_churn_baseline') }} as baseline
    where
        {%- for column_name in column_names %}
            {{ 'or ' if not loop.first }}(tested.{{ column_name }} is null) <> (baseline.churned_customers = 0)
        {%- endfor %}
{% endtest %}
