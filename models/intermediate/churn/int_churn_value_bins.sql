{#- Fine quantile bins of each continuous feature. Bins follow the value's rank, so customers with
    the same value always share a bin and a bin never splits a tie. -#}
with

feature_values as (

    select * from {{ ref('int_customer_feature_values') }}

),

ranked as (

    select
        feature,
        feature_value,
        is_churned,
        rank() over (partition by feature order by feature_value) as value_rank,
        count(*) over (partition by feature) as feature_customers
    from feature_values

),

binned as (

    select
        feature,
        feature_value,
        is_churned,
        floor(
            cast(value_rank - 1 as {{ type_double() }}) * {{ var('churn_interval_bins') }}
            / cast(feature_customers as {{ type_double() }})
        ) as quantile_bin
    from ranked

),

bins as (

    select
        feature,
        quantile_bin,
        min(feature_value) as lower_value,
        max(feature_value) as upper_value,
        count(*) as customers,
        {{ count_where('is_churned') }} as churned_customers
    from binned
    group by feature, quantile_bin

),

final as (

    select
        feature,
        lower_value,
        upper_value,
        customers,
        churned_customers,
        row_number() over (partition by feature order by quantile_bin) as bin_number
    from bins

)

select * from final
