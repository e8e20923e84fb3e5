-- the bank's churn rate, the yardstick every lift and risk flag is measured against
with

customers as (

    select * from {{ ref('dim_customers') }}

),

baseline as (

    select
        count(*) as customers,
        {{ count_where('is_churned') }} as churned_customers
    from customers

),

final as (

    select
        customers,
        churned_customers,
        {{ safe_divide('churned_customers', 'customers') }} as churn_rate
    from baseline

)

select * from final
