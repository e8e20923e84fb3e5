-- every candidate segment, a conjunction of two or three risk conditions from different feature
-- families, with one row per condition set that holds it: the set's customers are the
-- segment's customers there. Conditions go by number, so the many rows stay narrow.
-- A view: its one reader, rpt_churn_segments, holds it in memory while it ranks and picks, which
-- costs a third of writing these rows (several per customer) to the warehouse.
{{ config(materialized='view') }}

with

set_members as (

    select * from {{ ref('int_churn_condition_sets') }}

),

pairs as (

    select
        first_member.set_number,
        first_member.customers,
        first_member.churned_customers,
        first_member.condition_number as first_condition_number,
        first_member.feature_family as first_feature_family,
        second_member.condition_number as second_condition_number,
        second_member.feature_family as second_feature_family
    from set_members as first_member
    inner join set_members as second_member
        on
            first_member.set_number = second_member.set_number
            and first_member.condition_number < second_member.condition_number
            and first_member.feature_family <> second_member.feature_family

),

triples as (

    -- a pair of the set grown by a later condition of a third family
    select
        pairs.set_number,
        pairs.customers,
        pairs.churned_customers,
        pairs.first_condition_number,
        pairs.second_condition_number,
        third_member.condition_number as third_condition_number
    from pairs
    inner join set_members as third_member
        on
            pairs.set_number = third_member.set_number
            and pairs.second_condition_number < third_member.condition_number
            and third_member.feature_family not in (
                pairs.first_feature_family, pairs.second_feature_family
            )

),

final as (

    select
        first_condition_number,
        second_condition_number,
        cast(null as {{ dbt.type_bigint() }}) as third_condition_number,
        set_number,
        customers,
        churned_customers
    from pairs
    union all
    select
        first_condition_number,
        second_condition_number,
        third_condition_number,
        set_number,
        customers,
        churned_customers
    from triples

)

select * from final
