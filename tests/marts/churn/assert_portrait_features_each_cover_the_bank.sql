-- returns the portrait features whose levels do not cover every customer exactly once: per
-- feature, customers and churners must sum to the bank's and the shares to 1
with

portrait as (

    select * from {{ ref('rpt_churn_portrait') }}

),

baseline as (

    select * from {{ ref('int_churn_baseline') }}

),

per_feature as (

    select
        feature,
        sum(customers) as customers,
        sum(churned_customers) as churned_customers,
        sum(share_of_customers) as share_of_customers,
        sum(share_of_churners) as share_of_churners
    from portrait
    group by feature

),

final as (

    select per_feature.*
    from per_feature
    cross join baseline
    where
        per_feature.customers <> baseline.customers
        or per_feature.churned_customers <> baseline.churned_customers
        or abs(per_feature.share_of_customers - 1) > 1e-9
        or abs(per_feature.share_of_churners - 1) > 1e-9

)

select * from final
