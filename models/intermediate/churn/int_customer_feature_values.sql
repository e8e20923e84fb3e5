{#- The continuous features whose churn intervals are searched, one row per customer and feature
    with a value; balance only for customers who have one, age only where known. -#}
{%- set continuous_features = [
    ('age', 'age'), ('score', 'score'), ('balance', 'balance'), ('salary', 'est_salary'),
] -%}

with

customers as (

    select * from {{ ref('dim_customers') }}

),

final as (

    {% for feature, column in continuous_features %}
        select
            customer_id,
            is_churned,
            '{{ feature }}' as feature,
            cast({{ column }} as {{ type_double() }}) as feature_value
        from customers
        where {{ column }} is not null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from final
