-- returns a row when the risk tables lose or invent customers: the deciles must hold every
-- customer and churner, and fct_customer_churn_risk every customer still with the bank
with

deciles as (

    select
        sum(customers) as customers,
        sum(churned_customers) as churned_customers
    from {{ ref('rpt_churn_risk_lift') }}

),

at_risk as (

    select count(*) as customers from {{ ref('fct_customer_churn_risk') }}

),

customers as (

    -- the bank's totals, counted once from dim_customers in int_churn_baseline
    select * from {{ ref('int_churn_baseline') }}

),

final as (

    select
        deciles.customers as customers_in_deciles,
        deciles.churned_customers as churners_in_deciles,
        at_risk.customers as customers_scored,
        customers.customers,
        customers.churned_customers
    from deciles
    cross join at_risk
    cross join customers
    where
        deciles.customers <> customers.customers
        or deciles.churned_customers <> customers.churned_customers
        or at_risk.customers <> customers.customers - customers.churned_customers

)

select * from final
