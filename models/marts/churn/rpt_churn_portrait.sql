with

level_stats as (

    select * from {{ ref('int_churn_level_stats') }}

),

final as (

    select
        {{ dbt.concat(['feature', "':'", 'level_label']) }} as portrait_level_id,
        feature,
        level_order,
        level_label,
        level_description,
        customers,
        share_of_customers,
        churned_customers,
        churn_rate,
        churn_rate_lower,
        churn_rate_upper,
        lift,
        share_of_churners,
        is_risk_level
    from level_stats

)

select * from final
