{#- Every customer's risk score, the score of the condition set the customer meets (0 for none),
    with the customer's decile and rank. Scored over all customers so the score's value can be
    measured on known churn. Only the score and the set's key ride through the sort: the set's
    readable conditions join in the mart, since a sort carrying them for every customer ran out
    of memory under DuckDB's memory limit. -#}
with

customer_sets as (

    select * from {{ ref('int_customer_condition_sets') }}

),

set_scores as (

    select * from {{ ref('int_churn_set_scores') }}

),

scored as (

    select
        customer_sets.customer_id,
        customer_sets.is_churned,
        customer_sets.condition_set,
        coalesce(set_scores.risk_score, 0) as risk_score
    from customer_sets
    left join set_scores
        on customer_sets.condition_set = set_scores.condition_set

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
