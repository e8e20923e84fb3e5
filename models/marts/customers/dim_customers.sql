with

customers as (

    select * from {{ ref('int_customers__banded') }}

),

final as (

    select
        customers.customer_id,
        {{ dbt.cast('customers.user_id', dbt.type_bigint()) }} as user_id,
        customers.source_row_number,
        customers.city,
        customers.city_code,
        customers.city_en,
        customers.gender,
        customers.gender_en,
        {{ dbt.cast('customers.age', dbt.type_int()) }} as age,
        {{ dbt.cast('customers.score', dbt.type_int()) }} as score,
        {{ dbt.cast('customers.equity', dbt.type_int()) }} as equity,
        {{ dbt.cast('customers.balance', 'decimal(18, 2)') }} as balance,
        {{ dbt.cast('customers.products', dbt.type_int()) }} as products,
        {{ dbt.cast('customers.est_salary', 'decimal(18, 2)') }} as est_salary,
        customers.churn = 1 as is_churned,
        customers.last_activity = 1 as is_active,
        customers.credit_card = 1 as has_credit_card,
        customers.balance is not null as has_balance,
        customers.age is not null as has_age,
        customers.has_shared_user_id,
        customers.is_balance_extreme,
        customers.is_salary_extreme,
        customers.product_segment,
        customers.product_segment_order,
        customers.age_band,
        customers.age_band_order,
        customers.score_band,
        customers.score_band_order,
        customers.balance_band,
        customers.balance_band_order,
        customers.salary_band,
        customers.salary_band_order,
        customers.equity_band,
        customers.equity_band_order
    from customers

)

select * from final
