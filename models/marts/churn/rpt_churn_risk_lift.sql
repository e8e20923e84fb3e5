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

decile_totals as (

    select
        *,
        sum(churned_customers) over (
            order by risk_decile rows between unbounded preceding and current row
        ) as cumulative_churned_customers
    from deciles

),

final as (

    select
        decile_totals.risk_decile,
        decile_totals.customers,
        decile_totals.churned_customers,
        {{ churn_rate_columns('decile_totals.churned_customers', 'decile_totals.customers') }},
        {{ churn_lift('decile_totals.churned_customers', 'decile_totals.customers', 'baseline.churn_rate') }}
            as lift,
        {{ safe_divide('decile_totals.cumulative_churned_customers', 'baseline.churned_customers') }}
            as cumulative_share_of_churners,
        decile_totals.min_risk_score,
        decile_totals.max_risk_score,
        true as is_in_sample
    from decile_totals
    cross join baseline

)

select * from final
