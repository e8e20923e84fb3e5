{#- Churn at every level of every portrait feature. The customers are counted once by the
    combination of all their levels, and each feature's levels add those counts up: one pass
    over the customers instead of one per feature, and no row per customer and feature. -#}
{%- set level_columns = [] -%}
{%- for level_feature in churn_level_features() -%}
    {%- for column_name in level_feature.grouped_by if column_name not in level_columns -%}
        {%- do level_columns.append(column_name) -%}
    {%- endfor -%}
{%- endfor %}

with

customers as (

    select * from {{ ref('dim_customers') }}

),

baseline as (

    select * from {{ ref('int_churn_baseline') }}

),

level_combinations as (

    select
        {{ level_columns | join(',\n        ') }},
        count(*) as customers,
        {{ count_where('is_churned') }} as churned_customers
    from customers
    group by {{ level_columns | join(', ') }}

),

level_counts as (

    {% for level_feature in churn_level_features() %}
        select
            '{{ level_feature.feature }}' as feature,
            {{ level_feature.level_order }} as level_order,
            {{ level_feature.level_label }} as level_label,
            {{ level_feature.level_description }} as level_description,
            {{ dbt.cast('sum(customers)', dbt.type_bigint()) }} as customers,
            {{ dbt.cast('sum(churned_customers)', dbt.type_bigint()) }} as churned_customers
        from level_combinations
        group by {{ level_feature.grouped_by | join(', ') }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

rated as (

    select
        *,
        {{ churn_rate_columns('churned_customers', 'customers') }}
    from level_counts

),

final as (

    select
        rated.*,
        {{ safe_divide('rated.churn_rate', 'baseline.churn_rate') }} as lift,
        {{ safe_divide('rated.customers', 'baseline.customers') }} as share_of_customers,
        {{ safe_divide('rated.churned_customers', 'baseline.churned_customers') }} as share_of_churners,
        -- a risk level only when even the interval's low end is above the bank's rate
        rated.churn_rate_lower > baseline.churn_rate as is_risk_level
    from rated
    cross join baseline

)

select * from final
