-- one row per customer still with the bank, with the risk conditions met and the risk score
with

scores as (

    select * from {{ ref('int_customer_risk_scores') }}
    where not is_churned

),

final as (

    select
        customer_id,
        risk_score,
        risk_decile,
        risk_features,
        conditions_met,
        risk_conditions,
        retained_risk_rank as risk_rank
    from scores

)

select * from final
