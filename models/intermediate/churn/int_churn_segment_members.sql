-- every candidate segment, a conjunction of two or three risk conditions from different feature
-- families, with one row per customer in it
with

memberships as (

    select * from {{ ref('int_customer_risk_conditions') }}

),

pair_members as (

    select
        first_member.customer_id,
        first_member.is_churned,
        first_member.condition_id as first_condition_id,
        second_member.condition_id as second_condition_id,
        cast(null as {{ dbt.type_string() }}) as third_condition_id
    from memberships as first_member
    inner join memberships as second_member
        on
            first_member.customer_id = second_member.customer_id
            and first_member.condition_id < second_member.condition_id
            and first_member.feature_family <> second_member.feature_family

),

triple_members as (

    select
        first_member.customer_id,
        first_member.is_churned,
        first_member.condition_id as first_condition_id,
        second_member.condition_id as second_condition_id,
        third_member.condition_id as third_condition_id
    from memberships as first_member
    inner join memberships as second_member
        on
            first_member.customer_id = second_member.customer_id
            and first_member.condition_id < second_member.condition_id
            and first_member.feature_family <> second_member.feature_family
    inner join memberships as third_member
        on
            first_member.customer_id = third_member.customer_id
            and second_member.condition_id < third_member.condition_id
            and first_member.feature_family <> third_member.feature_family
            and second_member.feature_family <> third_member.feature_family

),

all_members as (

    select * from pair_members
    union all
    select * from triple_members

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
        customer_id,
        is_churned
    from all_members

)

select * from final
