{#- Every feature of the churn portrait as (feature, level) per customer, so that one group-by
    describes them all. Bands come from dim_customers, whose edges come from band_edges. -#}
{%- set banded = [
    ('age', 'age_band', 'age_band_order'),
    ('score', 'score_band', 'score_band_order'),
    ('balance', 'balance_band', 'balance_band_order'),
    ('salary', 'salary_band', 'salary_band_order'),
    ('equity', 'equity_band', 'equity_band_order'),
    ('products', 'product_segment', 'product_segment_order'),
] -%}
{%- set flags = [
    ('credit_card', 'has_credit_card', 'credit card', 'no credit card'),
    ('activity', 'is_active', 'active', 'inactive'),
    ('balance_presence', 'has_balance', 'has a balance', 'no balance'),
] -%}
{#- categories, each with the column that orders its levels -#}
{%- set categories = [('city', 'city_code'), ('gender', 'gender_en')] -%}

with

customers as (

    select * from {{ ref('dim_customers') }}

),

final as (

    {% for feature, label_column, order_column in banded %}
        select
            customer_id,
            is_churned,
            '{{ feature }}' as feature,
            {{ order_column }} as level_order,
            {{ label_column }} as level_label,
            {{ dbt.concat(["'" ~ feature ~ " '", label_column]) }} as level_description
        from customers
        union all
    {% endfor %}
    {% for feature, flag_column, when_true, when_false in flags %}
        select
            customer_id,
            is_churned,
            '{{ feature }}' as feature,
            case when {{ flag_column }} then 1 else 2 end as level_order,
            case when {{ flag_column }} then '{{ when_true }}' else '{{ when_false }}' end as level_label,
            case when {{ flag_column }} then '{{ when_true }}' else '{{ when_false }}' end
                as level_description
        from customers
        union all
    {% endfor %}
    {% for feature, sort_column in categories %}
        select
            customer_id,
            is_churned,
            '{{ feature }}' as feature,
            dense_rank() over (order by {{ sort_column }}) as level_order,
            {{ feature }} as level_label,
            {{ dbt.concat(["'" ~ feature ~ " '", feature]) }} as level_description
        from customers
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from final
