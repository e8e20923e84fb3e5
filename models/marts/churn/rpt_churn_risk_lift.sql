-- churn by risk-score decile over all customers, churned included: the score is fitted on the
-- same customers, so this measures it in-sample and flatters it
with

scores as (

    select * from {{ ref('int_customer_risk_scores') }}

),

baseline as (

    select * from {{ ref('int_churn_baseline') }}

),

deciles as (

    select
        risk_decile,
        count(*) as customers,
        {{ count_where('is_churned') }} as churned_customers,
        min(risk_score) as min_risk_score,
        max(risk_score) as max_risk_score
    from scores
    group by risk_decile

),

final as (

    select
        deciles.risk_decile,
        deciles.customers,
        deciles.churned_customers,
        {{ churn_rate_columns('deciles.churned_customers', 'deciles.customers') }},
        {{ safe_divide(safe_divide('deciles.churned_customers', 'deciles.customers'), 'baseline.churn_rate') }}
        as lift,
        {{ safe_divide(
            'sum(deciles.churned_customers) over (order by deciles.risk_decile rows between unbounded preceding and current row)',
            'baseline.churned_customers',
        ) }} as cumulative_share_of_churners,
        deciles.min_risk_score,
        deciles.max_risk_score,
        true as is_in_sample
    from deciles
    cross join baseline

)

select * from final
