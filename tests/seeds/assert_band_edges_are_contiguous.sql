-- returns the bands that break the ladder of their feature: numbered other than 1, 2, 3, ...;
-- starting somewhere other than where the previous band ends; or open-ended in the middle
with

band_edges as (

    select * from {{ ref('band_edges') }}

),

neighbours as (

    select
        feature,
        band_order,
        lower_bound,
        upper_bound,
        lag(upper_bound) over (partition by feature order by band_order) as previous_upper_bound,
        row_number() over (partition by feature order by band_order) as expected_band_order,
        count(*) over (partition by feature) as bands_in_feature
    from band_edges

),

final as (

    select *
    from neighbours
    where
        band_order <> expected_band_order
        or (band_order > 1 and (lower_bound is null or lower_bound <> previous_upper_bound))
        or (band_order < bands_in_feature and upper_bound is null)

)

select * from final
