-- one row per customer still with the bank, with the risk conditions met and the risk score
with

scores as (

    select * from {{ ref('int_customer_risk_scores') }}
    where not is_churned

),

set_scores as (

    select * from {{ ref('int_churn_set_scores') }}

),

final as (

    select
        scores.customer_id,
        scores.risk_score,
        scores.risk_decile,
        set_scores.risk_conditions,
        scores.retained_risk_rank as risk_rank,
        coalesce(set_scores.risk_features, 0) as risk_features,
        coalesce(set_scores.conditions_met, 0) as conditions_met
    from scores
    left join set_scores
        on scores.condition_set = set_scores.condition_set

)

select * from final
