{#- A view: each reader (the customers and the two quarantine marts) takes the columns it needs,
    and the verdicts it joins are one small row per row with an issue. -#}
{{ config(materialized='view') }}

with

customers as (

    select * from {{ ref('int_customers__normalised') }}

),

row_verdicts as (

    select * from {{ ref('int_customers__row_verdicts') }}

),

validated as (

    select
        customers.*,
        row_verdicts.rejection_reasons,
        row_verdicts.flag_reasons,
        coalesce(row_verdicts.is_rejected, false) as is_rejected,
        coalesce(row_verdicts.has_shared_user_id, false) as has_shared_user_id,
        coalesce(row_verdicts.is_balance_extreme, false) as is_balance_extreme,
        coalesce(row_verdicts.is_salary_extreme, false) as is_salary_extreme
    from customers
    left join row_verdicts
        on customers.source_row_number = row_verdicts.source_row_number

),

final as (

    select
        *,
        -- the same user id names different people in different branch systems
        case
            when not is_rejected
                then {{ dbt.concat([
                    dbt.cast(dbt.cast('user_id', dbt.type_bigint()), dbt.type_string()),
                    "'-'",
                    'city_code',
                ]) }}
        end as customer_id
    from validated

)

select * from final
