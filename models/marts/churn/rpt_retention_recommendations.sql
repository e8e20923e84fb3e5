-- one recommendation per top strategic segment: its figures, and the retention levers of its
-- conditions looked up in the analyst-maintained seed retention_levers
with

segments as (

    select * from {{ ref('rpt_churn_segments') }}
    where is_top_pick

),

conditions as (

    select * from {{ ref('int_churn_risk_conditions') }}

),

levers as (

    select * from {{ ref('retention_levers') }}

),

baseline as (

    select * from {{ ref('int_churn_baseline') }}

),

segment_levers as (

    select
        segments.segment_id,
        conditions.feature,
        levers.lever_priority,
        levers.lever_en,
        levers.lever_ru
    from segments
    inner join conditions
        on conditions.condition_id in (
                segments.first_condition_id,
                segments.second_condition_id,
                segments.third_condition_id
            )
    left join levers
        on conditions.feature = levers.feature

),

lever_lists as (

    select
        segment_id,
        min(lever_priority) as lead_lever_priority,
        {{ dbt.listagg('lever_en', "' '", 'order by lever_priority') }} as levers_en,
        {{ dbt.listagg('lever_ru', "' '", 'order by lever_priority') }} as levers_ru
    from segment_levers
    group by segment_id

),

final as (

    select
        segments.segment_id,
        row_number() over (order by segments.segment_rank) as recommendation_rank,
        segments.segment_rank,
        segments.segment_definition,
        segments.customers,
        segments.churned_customers,
        segments.churn_rate,
        segments.churn_rate_lower,
        segments.churn_rate_upper,
        segments.lift,
        segments.share_of_churners,
        -- churners above what the bank's own rate would give: the most retention could win back
        segments.churned_customers - segments.customers * baseline.churn_rate as excess_churned_customers,
        lever_lists.levers_en,
        lever_lists.levers_ru,
        {{ dbt.concat([
            "'Segment '",
            'segments.segment_definition',
            "': '",
            dbt.cast('segments.customers', dbt.type_string()),
            "' customers, churn '",
            dbt.cast('round(100 * segments.churn_rate, 1)', dbt.type_string()),
            "'% against the bank''s '",
            dbt.cast('round(100 * baseline.churn_rate, 1)', dbt.type_string()),
            "'% ('",
            dbt.cast('round(segments.lift, 1)', dbt.type_string()),
            "'x). '",
            "coalesce(lever_lists.levers_en, 'No lever in the catalogue yet: add one to retention_levers.')",
        ]) }} as recommendation_en
    from segments
    cross join baseline
    left join lever_lists
        on segments.segment_id = lever_lists.segment_id

)

select * from final
