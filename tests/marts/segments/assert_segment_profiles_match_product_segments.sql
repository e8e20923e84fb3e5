-- returns the segments whose churned and retained customer counts in rpt_segment_churn_profiles
-- do not add up to the segment's size in rpt_product_segments
with

profiles as (

    select * from {{ ref('rpt_segment_churn_profiles') }}
    where measure = 'customers'

),

segments as (

    select * from {{ ref('rpt_product_segments') }}

),

final as (

    select
        segments.product_segment,
        segments.customers,
        profiles.churned_value,
        profiles.retained_value
    from segments
    left join profiles
        on segments.product_segment = profiles.product_segment
    where
        profiles.product_segment is null
        or coalesce(profiles.churned_value, 0) + coalesce(profiles.retained_value, 0) <> segments.customers
        or coalesce(profiles.churned_value, 0) <> segments.churned_customers

)

select * from final
