with

levels as (

    select * from {{ ref('int_customer_feature_levels') }}

),

baseline as (

    select * from {{ ref('int_churn_baseline') }}

),

level_counts as (

    select
        feature,
        level_order,
        level_label,
        level_description,
        count(*) as customers,
        {{ count_where('is_churned') }} as churned_customers
    from levels
    group by feature, level_order, level_label, level_description

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
