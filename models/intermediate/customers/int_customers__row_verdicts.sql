{#- A table, though small: the three readers of the validated rows (the customers and the two
    quarantine marts) would each aggregate the issues again, and DuckDB joins a stored table
    within its memory limit where the same join, fed straight from the aggregation of reason
    lists, ran out of memory at a hundred million rows. -#}
with

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

final as (

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

)

select * from final
