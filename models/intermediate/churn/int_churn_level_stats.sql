{#- Churn at every level of every portrait feature, counted straight from the customers: one
    group-by per feature, so no row per customer and feature is ever written. -#}
with

customers as (

    select * from {{ ref('dim_customers') }}

),

baseline as (

    select * from {{ ref('int_churn_baseline') }}

),

level_counts as (

    {% for level_feature in churn_level_features() %}
        select
            '{{ level_feature.feature }}' as feature,
            {{ level_feature.level_order }} as level_order,
            {{ level_feature.level_label }} as level_label,
            {{ level_feature.level_description }} as level_description,
            count(*) as customers,
            {{ count_where('is_churned') }} as churned_customers
        from customers
        group by {{ level_feature.grouped_by | join(', ') }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

rated as (

    select
        *,
        {{ churn_rate_columns('churned_customers', 'customers') }}
    from level_counts

),

final as (

    select
        rated.*,
        {{ safe_divide('rated.churn_rate', 'baseline.churn_rate') }} as lift,
        {{ safe_divide('rated.customers', 'baseline.customers') }} as share_of_customers,
        {{ safe_divide('rated.churned_customers', 'baseline.churned_customers') }} as share_of_churners,
        -- a risk level only when even the interval's low end is above the bank's rate
        rated.churn_rate_lower > baseline.churn_rate as is_risk_level
    from rated
    cross join baseline

)

select * from final
