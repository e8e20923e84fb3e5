-- returns the quarantined rows whose raw text differs from their line of the file, as staged
-- (int_customers__normalised is the staged file stored once, so the file is not parsed again)
with

rejected as (

    select * from {{ ref('fct_rejected_rows') }}

),

staged as (

    select * from {{ ref('int_customers__normalised') }}

),

final as (

    select rejected.source_row_number
    from rejected
    left join staged
        on rejected.source_row_number = staged.source_row_number
    where
        staged.source_row_number is null
        {%- for field in ['user_id', 'score', 'city', 'gender', 'age', 'equity', 'balance',
                          'products', 'credit_card', 'last_activity', 'est_salary', 'churn'] %}
            or rejected.{{ field }}_raw is distinct from staged.{{ field }}_raw
        {%- endfor %}
        or rejected.overflow_text is distinct from staged.overflow_text

)

select * from final
