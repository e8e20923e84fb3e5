-- returns a condition whose customers, summed over the condition sets that hold it, differ from
-- the customers the condition was measured on (its portrait level or its value interval): the
-- sets must neither lose nor invent a customer of any condition
with

conditions as (

    select * from {{ ref('int_churn_risk_conditions') }}

),

set_members as (

    select * from {{ ref('int_churn_condition_sets') }}

),

members_in_sets as (

    select
        condition_id,
        sum(customers) as customers,
        sum(churned_customers) as churned_customers
    from set_members
    group by condition_id

),

final as (

    select
        conditions.condition_id,
        conditions.customers,
        members_in_sets.customers as customers_in_sets,
        members_in_sets.churned_customers as churned_customers_in_sets,
        round(conditions.churn_rate * conditions.customers) as churned_customers
    from conditions
    left join members_in_sets
        on conditions.condition_id = members_in_sets.condition_id
    where
        members_in_sets.customers is null
        or members_in_sets.customers <> conditions.customers
        or members_in_sets.churned_customers <> round(conditions.churn_rate * conditions.customers)

)

select * from final
