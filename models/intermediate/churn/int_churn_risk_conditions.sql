-- the catalogue of risk conditions segments are built from: portrait levels whose churn interval
-- lies above the bank's rate, and the significant above-average value intervals
with

level_stats as (

    select * from {{ ref('int_churn_level_stats') }}

),

value_intervals as (

    select * from {{ ref('int_churn_value_intervals') }}

),

risk_levels as (

    select
        {{ dbt.concat(["'level:'", 'feature', "':'", 'level_label']) }} as condition_id,
        'level' as condition_kind,
        feature,
        -- having a balance at all and having a balance in a range describe the same money
        case when feature = 'balance_presence' then 'balance' else feature end as feature_family,
        level_label,
        cast(null as {{ type_double() }}) as lower_value,
        cast(null as {{ type_double() }}) as upper_value,
        level_description as condition_description,
        customers,
        churn_rate,
        lift
    from level_stats
    where is_risk_level and share_of_customers <= {{ var('churn_condition_max_share') }}

),

risk_intervals as (

    select
        {{ dbt.concat(["'interval:'", 'interval_id']) }} as condition_id,
        'interval' as condition_kind,
        feature,
        feature as feature_family,
        cast(null as {{ dbt.type_string() }}) as level_label,
        lower_value,
        upper_value,
        interval_description as condition_description,
        customers,
        churn_rate,
        lift
    from value_intervals
    where is_significant and share_of_feature_customers <= {{ var('churn_condition_max_share') }}

),

conditions as (

    select * from risk_levels
    union all
    select * from risk_intervals

),

final as (

    select
        *,
        -- a small number to key condition sets and segments by, in condition-id order
        row_number() over (order by condition_id) as condition_number
    from conditions

)

select * from final
