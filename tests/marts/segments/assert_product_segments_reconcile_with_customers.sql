-- returns a row when the product segments do not add up to the bank: their customers and
-- churners must sum to dim_customers' and their shares to 1
with

segments as (

    select
        sum(customers) as customers,
        sum(churned_customers) as churned_customers,
        sum(share_of_customers) as share_of_customers,
        sum(share_of_churners) as share_of_churners
    from {{ ref('rpt_product_segments') }}

),

customers as (

    -- the bank's totals, counted once from dim_customers in int_churn_baseline
    select * from {{ ref('int_churn_baseline') }}

),

final as (

    select
        segments.customers as segment_customers,
        customers.customers as bank_customers,
        segments.churned_customers as segment_churners,
        customers.churned_customers as bank_churners,
        segments.share_of_customers,
        segments.share_of_churners
    from segments
    cross join customers
    where
        segments.customers <> customers.customers
        or segments.churned_customers <> customers.churned_customers
        or abs(segments.share_of_customers - 1) > 1e-9
        or abs(segments.share_of_churners - 1) > 1e-9

)

select * from final
