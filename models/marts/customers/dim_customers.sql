{%- set banded_features = {
    'age': 'age',
    'score': 'score',
    'balance': 'balance',
    'est_salary': 'salary',
    'equity': 'equity',
} -%}

with

customers as (

    select * from {{ ref('int_customers__validated') }}
    where not is_rejected

),

feature_bands as (

    select * from {{ ref('int_customers__banded') }}

),

bands_per_customer as (

    select
        customer_id,
        {% for feature, prefix in banded_features.items() %}
            max(case when feature = '{{ feature }}' then band_label end) as {{ prefix }}_band,
            max(case when feature = '{{ feature }}' then band_order end) as {{ prefix }}_band_order,
        {% endfor %}
        max(case when feature = 'products' then band_label end) as product_segment,
        max(case when feature = 'products' then band_order end) as product_segment_order
    from feature_bands
    group by customer_id

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
        bands_per_customer.product_segment,
        bands_per_customer.product_segment_order,
        bands_per_customer.age_band,
        bands_per_customer.age_band_order,
        bands_per_customer.score_band,
        bands_per_customer.score_band_order,
        bands_per_customer.balance_band,
        bands_per_customer.balance_band_order,
        bands_per_customer.salary_band,
        bands_per_customer.salary_band_order,
        bands_per_customer.equity_band,
        bands_per_customer.equity_band_order
    from customers
    left join bands_per_customer
        on customers.customer_id = bands_per_customer.customer_id

)

select * from final
