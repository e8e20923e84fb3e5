-- every candidate segment, a conjunction of two or three risk conditions from different feature
-- families, with one row per condition set that holds it: the set's customers are the
-- segment's customers there
with

set_members as (

    select * from {{ ref('int_churn_condition_sets') }}

),

pairs as (

    select
        first_member.condition_set,
        first_member.customers,
        first_member.churned_customers,
        first_member.condition_id as first_condition_id,
        first_member.feature_family as first_feature_family,
        second_member.condition_id as second_condition_id,
        second_member.feature_family as second_feature_family
    from set_members as first_member
    inner join set_members as second_member
        on
            first_member.condition_set = second_member.condition_set
            and first_member.condition_id < second_member.condition_id
            and first_member.feature_family <> second_member.feature_family

),

triples as (

    -- a pair of the set grown by a later condition of a third family
    select
        pairs.condition_set,
        pairs.customers,
        pairs.churned_customers,
        pairs.first_condition_id,
        pairs.second_condition_id,
        third_member.condition_id as third_condition_id
    from pairs
    inner join set_members as third_member
        on
            pairs.condition_set = third_member.condition_set
            and pairs.second_condition_id < third_member.condition_id
            and third_member.feature_family not in (
                pairs.first_feature_family, pairs.second_feature_family
            )

),

candidates as (

    select
        condition_set,
        customers,
        churned_customers,
        first_condition_id,
        second_condition_id,
        cast(null as {{ dbt.type_string() }}) as third_condition_id
    from pairs
    union all
    select * from triples

),

final as (

    select
        {{ dbt.concat([
            'first_condition_id',
            "' & '",
            'second_condition_id',
            "coalesce(" ~ dbt.concat(["' & '", 'third_condition_id']) ~ ", '')",
        ]) }} as segment_id,
        first_condition_id,
        second_condition_id,
        third_condition_id,
        condition_set,
        customers,
        churned_customers
    from candidates

)

select * from final
