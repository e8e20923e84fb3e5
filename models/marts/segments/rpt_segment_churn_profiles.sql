{#- Who leaves and who stays, inside each product segment and in the whole bank: one row per
    segment and measure, churned beside retained, with the relative difference. -#}
{%- set measure_names = ['customers'] + customer_profile_measures() | map(attribute=0) | list -%}

with

customers as (

    select * from {{ ref('dim_customers') }}

),

scopes as (

    -- every customer is counted in their segment and again in the whole bank ('all')
    select 'segment' as scope
    union all
    select 'bank' as scope

),

group_profiles as (

    select
        customers.is_churned,
        case when scopes.scope = 'bank' then 'all' else customers.product_segment end as product_segment,
        case when scopes.scope = 'bank' then 0 else customers.product_segment_order end
            as product_segment_order,
        {% for name, measure in customer_profile_measures() %}
            {{ measure }} as {{ name }},
        {% endfor %}
        count(*) as customers
    from customers
    cross join scopes
    group by
        case when scopes.scope = 'bank' then 'all' else customers.product_segment end,
        case when scopes.scope = 'bank' then 0 else customers.product_segment_order end,
        customers.is_churned

),

side_by_side as (

    {% for name in measure_names %}
        select
            product_segment,
            product_segment_order,
            '{{ name }}' as measure,
            {{ loop.index }} as measure_order,
            max(case when is_churned then cast({{ name }} as {{ type_double() }}) end) as churned_value,
            max(case when not is_churned then cast({{ name }} as {{ type_double() }}) end) as retained_value
        from group_profiles
        group by product_segment, product_segment_order
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        {{ dbt.concat(['product_segment', "':'", 'measure']) }} as profile_measure_id,
        product_segment,
        product_segment_order,
        measure,
        measure_order,
        churned_value,
        retained_value,
        {{ safe_divide('churned_value - retained_value', 'abs(retained_value)') }} as relative_difference
    from side_by_side

)

select * from final
