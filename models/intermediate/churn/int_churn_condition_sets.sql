{#- The distinct sets of risk conditions customers meet, one row per set and condition, with the
    set's customers and churners. Customers with the same conditions are the same to the segment
    search, so everything downstream grows with the number of sets, which the condition catalogue
    bounds, not with the number of customers. -#}
with

customer_sets as (

    select * from {{ ref('int_customer_condition_sets') }}
    where condition_set is not null

),

memberships as (

    select * from {{ ref('int_customer_risk_conditions') }}

),

set_counts as (

    select
        condition_set,
        count(*) as customers,
        {{ count_where('is_churned') }} as churned_customers,
        -- any one customer of the set names its conditions
        min(customer_id) as example_customer_id
    from customer_sets
    group by condition_set

),

final as (

    select
        set_counts.condition_set,
        memberships.condition_id,
        memberships.feature_family,
        set_counts.customers,
        set_counts.churned_customers
    from set_counts
    inner join memberships
        on set_counts.example_customer_id = memberships.customer_id

)

select * from final
