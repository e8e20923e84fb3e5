{#- An explainable risk score for every customer: for each feature family, the strongest risk
    condition the customer meets adds its excess lift (lift - 1); a family counts once however
    many of its conditions overlap (an age band and an age interval, a balance and its range). Scored over all customers so its value can be measured on known churn. -#}
with

customers as (

    select * from {{ ref('dim_customers') }}

),

memberships as (

    select * from {{ ref('int_customer_risk_conditions') }}

),

conditions as (

    select * from {{ ref('int_churn_risk_conditions') }}

),

met_conditions as (

    select
        memberships.customer_id,
        memberships.feature_family,
        conditions.condition_description,
        conditions.lift
    from memberships
    inner join conditions
        on memberships.condition_id = conditions.condition_id

),

feature_points as (

    select
        customer_id,
        feature_family,
        max(lift - 1) as points
    from met_conditions
    group by customer_id, feature_family

),

customer_points as (

    select
        customer_id,
        -- summed as exact decimals: a parallel sum of doubles depends on the order rows arrive,
        -- and a last-bit difference would reorder tied customers between two identical builds
        cast(sum(cast(points as decimal(18, 12))) as {{ type_double() }}) as risk_score,
        count(*) as risk_features
    from feature_points
    group by customer_id

),

condition_lists as (

    select
        customer_id,
        count(*) as conditions_met,
        {{ dbt.listagg('condition_description', "'; '", 'order by lift desc, condition_description') }}
            as risk_conditions
    from met_conditions
    group by customer_id

),

scored as (

    select
        customers.customer_id,
        customers.is_churned,
        condition_lists.risk_conditions,
        coalesce(customer_points.risk_score, 0) as risk_score,
        coalesce(customer_points.risk_features, 0) as risk_features,
        coalesce(condition_lists.conditions_met, 0) as conditions_met
    from customers
    left join customer_points
        on customers.customer_id = customer_points.customer_id
    left join condition_lists
        on customers.customer_id = condition_lists.customer_id

),

final as (

    select
        *,
        -- decile 1 holds the highest scores; the customer id breaks ties so the split is stable
        ntile(10) over (order by risk_score desc, customer_id asc) as risk_decile
    from scored

)

select * from final
