-- returns the customers whose typed values differ from what their line of the file says: no
-- value may be altered on the way, and no missing balance or age may become a number
with

customers as (

    select * from {{ ref('dim_customers') }}

),

staged as (

    select * from {{ ref('int_customers__normalised') }}

),

final as (

    select
        customers.customer_id,
        customers.source_row_number
    from customers
    inner join staged
        on customers.source_row_number = staged.source_row_number
    where
        customers.user_id <> staged.user_id
        or customers.score <> staged.score
        or customers.equity <> staged.equity
        or customers.products <> staged.products
        or abs(customers.est_salary - staged.est_salary) >= 0.005
        or abs(customers.balance - staged.balance) >= 0.005
        or customers.age <> staged.age
        or (customers.balance is null) <> ({{ trim_whitespace('staged.balance_raw') }} is null)
        or (customers.age is null) <> ({{ trim_whitespace('staged.age_raw') }} is null)
        or customers.is_churned <> (staged.churn = 1)
        or customers.is_active <> (staged.last_activity = 1)
        or customers.has_credit_card <> (staged.credit_card = 1)

)

select * from final
