-- returns a row when the customers differ from the kept lines of the file: a value altered on
-- the way, a missing balance or age that became a number, a customer lost, doubled or invented.
-- Both sides are reduced to a count and a fingerprint of their rows, so no join of the two.
{%- set customer_values = [
    'source_row_number', 'user_id', 'score', 'equity', 'products', 'age', 'balance',
    'est_salary', 'balance is null', 'age is null', 'is_churned', 'is_active',
    'has_credit_card',
] %}
{%- set file_values = [
    'source_row_number',
    dbt.cast('user_id', dbt.type_bigint()),
    dbt.cast('score', dbt.type_int()),
    dbt.cast('equity', dbt.type_int()),
    dbt.cast('products', dbt.type_int()),
    dbt.cast('age', dbt.type_int()),
    dbt.cast('balance', 'decimal(18, 2)'),
    dbt.cast('est_salary', 'decimal(18, 2)'),
    trim_whitespace('balance_raw') ~ ' is null',
    trim_whitespace('age_raw') ~ ' is null',
    'churn = 1',
    'last_activity = 1',
    'credit_card = 1',
] %}

with

customers as (

    select * from {{ ref('dim_customers') }}

),

kept_lines as (

    select * from {{ ref('int_customers__validated') }}
    where not is_rejected

),

customer_rows as (

    select
        count(*) as row_count,
        {{ rows_fingerprint(customer_values) }} as fingerprint
    from customers

),

file_rows as (

    select
        count(*) as row_count,
        {{ rows_fingerprint(file_values) }} as fingerprint
    from kept_lines

),

final as (

    select
        customer_rows.row_count as customers,
        file_rows.row_count as kept_lines
    from customer_rows
    cross join file_rows
    where
        customer_rows.row_count <> file_rows.row_count
        or customer_rows.fingerprint <> file_rows.fingerprint

)

select * from final
