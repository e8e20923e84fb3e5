-- one row per customer and risk condition the customer meets
with

conditions as (

    select * from {{ ref('int_churn_risk_conditions') }}

),

levels as (

    select * from {{ ref('int_customer_feature_levels') }}

),

feature_values as (

    select * from {{ ref('int_customer_feature_values') }}

),

level_members as (

    select
        levels.customer_id,
        levels.is_churned,
        conditions.condition_id,
        conditions.feature_family
    from conditions
    inner join levels
        on
            conditions.feature = levels.feature
            and conditions.level_label = levels.level_label
    where conditions.condition_kind = 'level'

),

interval_members as (

    select
        feature_values.customer_id,
        feature_values.is_churned,
        conditions.condition_id,
        conditions.feature_family
    from conditions
    inner join feature_values
        on
            conditions.feature = feature_values.feature
            and conditions.lower_value <= feature_values.feature_value
            and conditions.upper_value >= feature_values.feature_value
    where conditions.condition_kind = 'interval'

),

final as (

    select * from level_members
    union all
    select * from interval_members

)

select * from final
