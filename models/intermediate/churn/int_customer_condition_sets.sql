-- one row per customer: the set of risk conditions the customer meets, as one key (NULL when the
-- customer meets none), so that segments and scores are worked out once per set
with

customers as (

    select * from {{ ref('dim_customers') }}

),

memberships as (

    select * from {{ ref('int_customer_risk_conditions') }}

),

customer_sets as (

    select
        customer_id,
        {{ dbt.listagg('condition_id', "'|'", 'order by condition_id') }} as condition_set
    from memberships
    group by customer_id

),

final as (

    select
        customers.customer_id,
        customers.is_churned,
        customer_sets.condition_set
    from customers
    left join customer_sets
        on customers.customer_id = customer_sets.customer_id

)

select * from final
