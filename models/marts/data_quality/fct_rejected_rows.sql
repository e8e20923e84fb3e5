with

validated as (

    select * from {{ ref('int_customers__validated') }}

),

final as (

    select
        source_row_number,
        rejection_reasons,
        flag_reasons,
        user_id_raw,
        score_raw,
        city_raw,
        gender_raw,
        age_raw,
        equity_raw,
        balance_raw,
        products_raw,
        credit_card_raw,
        last_activity_raw,
        est_salary_raw,
        churn_raw,
        overflow_text
    from validated
    where is_rejected

)

select * from final
