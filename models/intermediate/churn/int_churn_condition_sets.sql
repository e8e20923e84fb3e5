{#- The distinct sets of risk conditions customers meet, one row per set and condition, with the
    set's customers and churners. Customers with the same conditions are the same to the segment
    search, so everything downstream grows with the number of sets, which the condition catalogue
    bounds, not with the number of customers. -#}
{%- set condition_columns = churn_condition_columns() %}

with

customer_sets as (

    select * from {{ ref('int_customer_condition_sets') }}
    where condition_set is not null

),

conditions as (

    select * from {{ ref('int_churn_risk_conditions') }}

),

set_counts as (

    -- the condition columns follow from the set, so grouping by them splits no set
    select
        condition_set,
        {{ condition_columns | join(',\n        ') }},
        count(*) as customers,
        {{ count_where('is_churned') }} as churned_customers
    from customer_sets
    group by condition_set, {{ condition_columns | join(', ') }}

),

numbered_sets as (

    -- a number per set, so the segment search, which meets every set many times over, joins and
    -- groups on an integer rather than on the set's text key
    select
        *,
        row_number() over (order by condition_set) as set_number
    from set_counts

),

set_members as (

    {% for condition_column in condition_columns %}
        select
            condition_set,
            set_number,
            {{ condition_column }} as condition_number,
            customers,
            churned_customers
        from numbered_sets
        where {{ condition_column }} is not null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        set_members.condition_set,
        set_members.set_number,
        set_members.condition_number,
        conditions.condition_id,
        conditions.feature_family,
        set_members.customers,
        set_members.churned_customers
    from set_members
    inner join conditions
        on set_members.condition_number = conditions.condition_number

)

select * from final
