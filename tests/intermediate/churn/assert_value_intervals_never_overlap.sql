-- returns the intervals that start at or before the end of the interval before them in their
-- feature: customers find their interval as the last one starting at or below their value
with

value_intervals as (

    select * from {{ ref('int_churn_value_intervals') }}

),

neighbours as (

    select
        interval_id,
        feature,
        lower_value,
        lag(upper_value) over (partition by feature order by lower_value) as previous_upper_value
    from value_intervals

),

final as (

    select *
    from neighbours
    where lower_value <= previous_upper_value

)

select * from final
