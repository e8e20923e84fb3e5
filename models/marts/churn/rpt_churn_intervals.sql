with

value_intervals as (

    select * from {{ ref('int_churn_value_intervals') }}

),

final as (

    select
        interval_id,
        feature,
        interval_number,
        interval_description,
        lower_value,
        upper_value,
        is_open_below,
        is_open_above,
        first_bin,
        last_bin,
        bins_merged,
        customers,
        share_of_feature_customers,
        churned_customers,
        churn_rate,
        churn_rate_lower,
        churn_rate_upper,
        lift,
        share_of_churners,
        is_significant
    from value_intervals

)

select * from final
