{#- The risk score of every condition set: for each feature family, the strongest risk condition
    of the set adds its excess lift (lift - 1); a family counts once however many of its
    conditions overlap (an age band and an age interval, a balance and its range). Customers who
    meet the same conditions score the same, so the score and its readable list of conditions
    are worked out, and stored, once per set; customers reach them through the set's key. -#}
with

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

final as (

    select
        set_points.condition_set,
        set_points.risk_score,
        set_points.risk_features,
        condition_lists.conditions_met,
        condition_lists.risk_conditions
    from set_points
    inner join condition_lists
        on set_points.condition_set = condition_lists.condition_set

)

select * from final
