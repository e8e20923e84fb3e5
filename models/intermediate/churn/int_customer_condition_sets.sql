{#- One row per customer: the risk condition the customer meets at each portrait feature and in
    each interval feature (a customer is at one level of a feature and in at most one of its
    intervals, which never overlap), by condition number, and the set of them as one short key,
    NULL when the customer meets none. Segments and scores are worked out once per set, not per
    customer. -#}
{%- set level_features = churn_level_features() -%}
{%- set interval_features = churn_interval_features() -%}
{%- set condition_columns = churn_condition_columns() -%}
{%- set condition_texts = [] -%}
{%- for condition_column in condition_columns -%}
    {%- do condition_texts.append(dbt.cast(condition_column, dbt.type_string())) -%}
{%- endfor %}

with

customers as (

    select * from {{ ref('dim_customers') }}

),

conditions as (

    select * from {{ ref('int_churn_risk_conditions') }}

),

level_conditions as (

    select
        feature,
        level_label,
        condition_number
    from conditions
    where condition_kind = 'level'

),

interval_conditions as (

    select
        feature,
        lower_value,
        upper_value,
        condition_number
    from conditions
    where condition_kind = 'interval'

),

customer_levels as (

    select
        {%- for level_feature in level_features %}
            {{ level_feature.level_label }} as {{ level_feature.feature }}_level,
        {%- endfor %}
        {%- for interval_feature in interval_features %}
            cast({{ interval_feature.column }} as {{ type_double() }})
                as {{ interval_feature.feature }}_value,
        {%- endfor %}
        customer_id,
        is_churned
    from customers

),

conditions_met as (

    select
        {%- for level_feature in level_features %}
            {{ level_feature.feature }}_level_condition.condition_number
                as {{ level_feature.feature }}_level_condition_number,
        {%- endfor %}
        {%- for interval_feature in interval_features %}
            {{ interval_feature.feature }}_interval_condition.condition_number
                as {{ interval_feature.feature }}_interval_condition_number,
        {%- endfor %}
        customer_levels.customer_id,
        customer_levels.is_churned
    from customer_levels
    {%- for level_feature in level_features %}
        left join level_conditions as {{ level_feature.feature }}_level_condition
            on
                {{ level_feature.feature }}_level_condition.feature = '{{ level_feature.feature }}'
                and customer_levels.{{ level_feature.feature }}_level
                = {{ level_feature.feature }}_level_condition.level_label
    {%- endfor %}
    {%- for interval_feature in interval_features %}
        left join interval_conditions as {{ interval_feature.feature }}_interval_condition
            on
                {{ interval_feature.feature }}_interval_condition.feature = '{{ interval_feature.feature }}'
                and customer_levels.{{ interval_feature.feature }}_value
                >= {{ interval_feature.feature }}_interval_condition.lower_value
                and customer_levels.{{ interval_feature.feature }}_value
                <= {{ interval_feature.feature }}_interval_condition.upper_value
    {%- endfor %}

),

final as (

    select
        customer_id,
        is_churned,
        {{ condition_columns | join(',\n        ') }},
        -- concat_ws skips the features where no condition is met
        nullif(concat_ws('|', {{ condition_texts | join(', ') }}), '') as condition_set
    from conditions_met

)

select * from final
