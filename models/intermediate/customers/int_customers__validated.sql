{#- A view: each reader (the customers and the two quarantine marts) takes the columns it needs,
    and the verdicts it joins are one small row per row with an issue. -#}
{{ config(materialized='view') }}

with

customers as (

    select * from {{ ref('int_customers__normalised') }}

),

issues as (

    select * from {{ ref('int_customers__validation_issues') }}

),

labelled_issues as (

    select
        source_row_number,
        is_blocking,
        reason_code,
        {{ dbt.concat(['field_name', "':'", 'reason_code']) }} as field_reason
    from issues

),

row_verdicts as (

    select
        source_row_number,
        {{ dbt.bool_or('is_blocking') }} as is_rejected,
        {{ sorted_listagg("case when is_blocking then field_reason end", "', '") }}
            as rejection_reasons,
        {{ sorted_listagg("case when not is_blocking then field_reason end", "', '") }}
            as flag_reasons,
        {{ dbt.bool_or("reason_code = 'shared_user_id'") }} as has_shared_user_id,
        {{ dbt.bool_or("field_reason = 'balance:extreme_value'") }} as is_balance_extreme,
        {{ dbt.bool_or("field_reason = 'est_salary:extreme_value'") }} as is_salary_extreme
    from labelled_issues
    group by source_row_number

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
