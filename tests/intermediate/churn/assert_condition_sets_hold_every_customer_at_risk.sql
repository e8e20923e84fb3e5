-- returns a row when the condition sets lose or invent customers: every customer who meets a risk
-- condition is in exactly one set, so the sets' customers and churners add up to them
with

sets as (

    select distinct
        condition_set,
        customers,
        churned_customers
    from {{ ref('int_churn_condition_sets') }}

),

set_totals as (

    select
        sum(customers) as customers,
        sum(churned_customers) as churned_customers
    from sets

),

customers_at_risk as (

    select
        count(distinct customer_id) as customers,
        count(distinct case when is_churned then customer_id end) as churned_customers
    from {{ ref('int_customer_risk_conditions') }}

),

final as (

    select
        set_totals.customers as customers_in_sets,
        set_totals.churned_customers as churners_in_sets,
        customers_at_risk.customers,
        customers_at_risk.churned_customers
    from set_totals
    cross join customers_at_risk
    where
        set_totals.customers <> customers_at_risk.customers
        or set_totals.churned_customers <> customers_at_risk.churned_customers

)

select * from final
