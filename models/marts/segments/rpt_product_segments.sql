with

customers as (

    select * from {{ ref('dim_customers') }}

),

baseline as (

    select * from {{ ref('int_churn_baseline') }}

),

segment_stats as (

    select
        product_segment,
        product_segment_order,
        {% for name, measure in customer_profile_measures() %}
            {{ measure }} as {{ name }},
        {% endfor %}
        {{ count_where('is_churned') }} as churned_customers,
        count(*) as customers
    from customers
    group by product_segment, product_segment_order

),

city_counts as (

    select
        product_segment,
        city,
        count(*) as customers,
        sum(count(*)) over (partition by product_segment) as segment_customers
    from customers
    group by product_segment, city

),

city_mixes as (

    select
        product_segment,
        {{ dbt.listagg(
            dbt.concat([
                'city',
                "' '",
                dbt.cast(
                    'round(' ~ safe_divide('100 * customers', 'segment_customers') ~ ', 1)',
                    dbt.type_string(),
                ),
                "'%'",
            ]),
            "', '",
            'order by customers desc, city',
        ) }} as city_mix
    from city_counts
    group by product_segment

),

final as (

    select
        segment_stats.product_segment,
        segment_stats.product_segment_order,
        segment_stats.customers,
        {{ safe_divide('segment_stats.customers', 'baseline.customers') }} as share_of_customers,
        segment_stats.churned_customers,
        {{ churn_rate_columns('segment_stats.churned_customers', 'segment_stats.customers') }},
        {{ churn_lift('segment_stats.churned_customers', 'segment_stats.customers', 'baseline.churn_rate') }}
            as lift,
        {{ safe_divide('segment_stats.churned_customers', 'baseline.churned_customers') }}
            as share_of_churners,
        {% for name, measure in customer_profile_measures() %}
            segment_stats.{{ name }},
        {% endfor %}
        city_mixes.city_mix
    from segment_stats
    cross join baseline
    left join city_mixes
        on segment_stats.product_segment = city_mixes.product_segment

)

select * from final
