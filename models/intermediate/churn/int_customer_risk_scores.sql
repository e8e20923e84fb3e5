{#- An explainable risk score for every customer: for each feature family, the strongest risk
    condition the customer meets adds its excess lift (lift - 1); a family counts once however
    many of its conditions overlap (an age band and an age interval, a balance and its range).
    Customers who meet the same conditions score the same, so each condition set is scored once.
    Scored over all customers so its value can be measured on known churn. -#}
with

customer_sets as (

    select * from {{ ref('int_customer_condition_sets') }}

),

set_members as (

    select * from {{ ref('int_churn_condition_sets') }}

),

conditions as (

    select * from {{ ref('int_churn_risk_conditions') }}

),

met_conditions as (

    select
        set_members.condition_set,
        set_members.feature_family,
        conditions.condition_description,
        conditions.lift
    from set_members
    inner join conditions
        on set_members.condition_id = conditions.condition_id

),

family_points as (

    select
        condition_set,
        feature_family,
        max(lift - 1) as points
    from met_conditions
    group by condition_set, feature_family

),

set_points as (

    select
        condition_set,
        -- summed as exact decimals: a parallel sum of doubles depends on the order rows arrive,
        -- and a last-bit difference would reorder tied customers between two identical builds
        cast(sum(cast(points as decimal(18, 12))) as {{ type_double() }}) as risk_score,
        count(*) as risk_features
    from family_points
    group by condition_set

),

condition_lists as (

    select
        condition_set,
        count(*) as conditions_met,
        {{ sorted_listagg('condition_description', "'; '", ['-lift', 'condition_description']) }}
            as risk_conditions
    from met_conditions
    group by condition_set

),

scored as (

    select
        customer_sets.customer_id,
        customer_sets.is_churned,
        condition_lists.risk_conditions,
        coalesce(set_points.risk_score, 0) as risk_score,
        coalesce(set_points.risk_features, 0) as risk_features,
        coalesce(condition_lists.conditions_met, 0) as conditions_met
    from customer_sets
    left join set_points
        on customer_sets.condition_set = set_points.condition_set
    left join condition_lists
        on customer_sets.condition_set = condition_lists.condition_set

),

final as (

    -- decile 1 holds the highest scores; the customer id breaks ties so the split is stable. The
    -- rank among customers still with the bank counts them in the same order, so one sort of
    -- the customers serves both
    select
        *,
        ntile(10) over (order by risk_score desc, customer_id asc) as risk_decile,
        case
            when not is_churned
                then cast(sum(case when is_churned then 0 else 1 end) over (
                        order by risk_score desc, customer_id asc
                        rows between unbounded preceding and current row
                    ) as {{ dbt.type_bigint() }})
        end as retained_risk_rank
    from scored

)

select * from final
