{#- Who leaves and who stays, inside each product segment and in the whole bank: one row per
    segment and measure, churned beside retained, with the relative difference. -#}
{%- set measure_names = ['customers'] + customer_profile_measures() | map(attribute=0) | list -%}

with

customers as (

    select * from {{ ref('dim_customers') }}

),

group_profiles as (

    -- each segment, and the whole bank as segment 'all'
    select
        coalesce(product_segment, 'all') as product_segment,
        coalesce(product_segment_order, 0) as product_segment_order,
        is_churned,
        count(*) as customers,
        {% for name, measure in customer_profile_measures() %}
            {{ measure }} as {{ name }}{{ ',' if not loop.last }}
        {% endfor %}
    from customers
    group by grouping sets ((product_segment, product_segment_order, is_churned), (is_churned))

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
