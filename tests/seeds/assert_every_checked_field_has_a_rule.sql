-- returns the fields of the customer file that have no row in customer_field_rules: the
-- validation model joins on the seed, so a deleted rule would silently stop checking its field
with

rules as (

    select * from {{ ref('customer_field_rules') }}

),

checked_fields as (

    {% for field in ['user_id', 'score', 'city', 'gender', 'age', 'equity', 'balance', 'products',
                     'credit_card', 'last_activity', 'est_salary', 'churn'] %}
        select '{{ field }}' as field_name
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select checked_fields.field_name
    from checked_fields
    left join rules
        on checked_fields.field_name = rules.field_name
    where rules.field_name is null

)

select * from final
