{#- The banded features: the feature's name in band_edges, then the columns its band label and
    band order are written to. -#}
{%- set banded_features = [
    ('age', 'age_band', 'age_band_order'),
    ('score', 'score_band', 'score_band_order'),
    ('balance', 'balance_band', 'balance_band_order'),
    ('est_salary', 'salary_band', 'salary_band_order'),
    ('equity', 'equity_band', 'equity_band_order'),
    ('products', 'product_segment', 'product_segment_order'),
] -%}
{#- What the customers table keeps of the validated rows. -#}
{%- set kept_columns = [
    'source_row_number', 'customer_id', 'user_id', 'city', 'city_code', 'city_en', 'gender',
    'gender_en', 'age', 'score', 'equity', 'balance', 'products', 'est_salary', 'churn',
    'last_activity', 'credit_card', 'has_shared_user_id', 'is_balance_extreme',
    'is_salary_extreme',
] -%}

{#- A view: the customers table is its only reader, and the bands are written there once. -#}
{{ config(materialized='view') }}

with

customers as (

    -- only what the customers table keeps: the file's raw text and the reason lists stay behind
    select
        {{ kept_columns | join(',\n        ') }}
    from {{ ref('int_customers__validated') }}
    where not is_rejected

),

band_edges as (

    select * from {{ ref('band_edges') }}

),

band_ladders as (

    -- a feature's bands as one row, lower edges and labels in band order, and where the top
    -- band ends, so each customer is banded where it stands: a join of the customers to the
    -- bands, or to their distinct values, sorts or hashes every customer (75 million distinct
    -- balances at a hundred million customers)
    select
        feature,
        {{ array_agg_ordered(
            "coalesce(lower_bound, cast('-infinity' as " ~ type_double() ~ "))", 'band_order'
        ) }} as lower_edges,
        {{ array_agg_ordered('band_label', 'band_order') }} as band_labels,
        max(coalesce(upper_bound, cast('infinity' as {{ type_double() }}))) as ladder_end
    from band_edges
    group by feature

),

band_positions as (

    -- a value's band is the last one starting at or below it, if the value is below the top
    -- band's end: the seed's tests assert that each feature's bands are numbered from 1 and
    -- that each starts where the one before it ends
    select
        {%- for feature, label_column, order_column in banded_features %}
            {%- set position = array_count_at_most(feature ~ '_ladder.lower_edges', 'customers.' ~ feature) %}
            case
                when customers.{{ feature }} < {{ feature }}_ladder.ladder_end then {{ position }}
            end as {{ feature }}_band_position,
            {{ feature }}_ladder.band_labels as {{ feature }}_band_labels,
        {%- endfor %}
        customers.*
    from customers
    {%- for feature, label_column, order_column in banded_features %}
        left join band_ladders as {{ feature }}_ladder
            on {{ feature }}_ladder.feature = '{{ feature }}'
    {%- endfor %}

),

final as (

    -- a missing value, or one outside every band, gets the band `missing`
    select
        {%- for feature, label_column, order_column in banded_features %}
            {%- set label = array_element(feature ~ '_band_labels', feature ~ '_band_position') %}
            {%- set band_position = 'coalesce(' ~ feature ~ '_band_position, 0)' %}
            case
                when {{ feature }}_band_position >= 1 then {{ label }} else 'missing'
            end as {{ label_column }},
            {{ dbt.cast(band_position, dbt.type_int()) | trim }} as {{ order_column }},
        {%- endfor %}
        {{ kept_columns | join(',\n        ') }}
    from band_positions

)

select * from final
