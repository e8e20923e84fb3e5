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

interval_ladders as (

    -- a feature's interval conditions as one row, in the order of their lower ends, so each
    -- customer finds the interval holding its value where it stands: a range join sorts every
    -- customer, with all the columns carried through it
    select
        feature,
        {{ array_agg_ordered('lower_value', 'lower_value') }} as lower_values,
        {{ array_agg_ordered('upper_value', 'lower_value') }} as upper_values,
        {{ array_agg_ordered('condition_number', 'lower_value') }} as condition_numbers
    from conditions
    where condition_kind = 'interval'
    group by feature

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

interval_positions as (

    -- the last interval starting at or below the customer's value, the only one that can hold
    -- it: a feature's intervals never overlap (tests/intermediate/churn)
    select
        {%- for interval_feature in interval_features %}
            {%- set feature = interval_feature.feature %}
            {%- set position = array_count_at_most(
                feature ~ '_ladder.lower_values', 'customer_levels.' ~ feature ~ '_value'
            ) %}
            {{ position }} as {{ feature }}_interval_position,
            {{ feature }}_ladder.upper_values as {{ feature }}_upper_values,
            {{ feature }}_ladder.condition_numbers as {{ feature }}_condition_numbers,
        {%- endfor %}
        customer_levels.*
    from customer_levels
    {%- for interval_feature in interval_features %}
        left join interval_ladders as {{ interval_feature.feature }}_ladder
            on {{ interval_feature.feature }}_ladder.feature = '{{ interval_feature.feature }}'
    {%- endfor %}

),

interval_conditions_met as (

    -- the condition numbers alone go on to the level joins: rows carrying the ladders' arrays
    -- through a hash join cost it five times as much
    select
        {%- for interval_feature in interval_features %}
            {%- set feature = interval_feature.feature %}
            {%- set position = feature ~ '_interval_position' %}
            case
                when {{ feature }}_value <= {{ array_element(feature ~ '_upper_values', position) }}
                    then {{ array_element(feature ~ '_condition_numbers', position) }}
            end as {{ feature }}_interval_condition_number,
        {%- endfor %}
        {%- for level_feature in level_features %}
            {{ level_feature.feature }}_level,
        {%- endfor %}
        customer_id,
        is_churned
    from interval_positions

),

conditions_met as (

    select
        {%- for level_feature in level_features %}
            {{ level_feature.feature }}_level_condition.condition_number
                as {{ level_feature.feature }}_level_condition_number,
        {%- endfor %}
        {%- for interval_feature in interval_features %}
            interval_conditions_met.{{ interval_feature.feature }}_interval_condition_number,
        {%- endfor %}
        interval_conditions_met.customer_id,
        interval_conditions_met.is_churned
    from interval_conditions_met
    {%- for level_feature in level_features %}
        left join level_conditions as {{ level_feature.feature }}_level_condition
            on
                {{ level_feature.feature }}_level_condition.feature = '{{ level_feature.feature }}'
                and interval_conditions_met.{{ level_feature.feature }}_level
                = {{ level_feature.feature }}_level_condition.level_label
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
