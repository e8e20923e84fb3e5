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

{#- A view: the customers table is its only reader, and the bands are written there once. -#}
{{ config(materialized='view') }}

with

customers as (

    -- only what the customers table keeps: the band lookups below read these rows again, so
    -- DuckDB holds them once, and the file's raw text and the reason lists would be most of it
    select
        source_row_number,
        customer_id,
        user_id,
        city,
        city_code,
        city_en,
        gender,
        gender_en,
        age,
        score,
        equity,
        balance,
        products,
        est_salary,
        churn,
        last_activity,
        credit_card,
        has_shared_user_id,
        is_balance_extreme,
        is_salary_extreme
    from {{ ref('int_customers__validated') }}
    where not is_rejected

),

{% for feature, label_column, order_column in banded_features %}
    {{ feature }}_bands as (

        -- each distinct value is banded once and found again by equality: a range join of
        -- every customer would carry all of the customer's columns through it
        select
            feature_values.feature_value,
            band.band_label,
            band.band_order
        from (
            select distinct {{ feature }} as feature_value
            from customers
            where {{ feature }} is not null
        ) as feature_values
        {{ band_join('feature_values.feature_value', feature, 'band') }}

    ),
{% endfor %}

final as (

    -- a missing value, or one outside every band, gets the band `missing`
    select
        {%- for feature, label_column, order_column in banded_features %}
            coalesce({{ feature }}_bands.band_label, 'missing') as {{ label_column }},
            coalesce({{ feature }}_bands.band_order, 0) as {{ order_column }},
        {%- endfor %}
        customers.*
    from customers
    {%- for feature, label_column, order_column in banded_features %}
    left join {{ feature }}_bands
        on customers.{{ feature }} = {{ feature }}_bands.feature_value
    {%- endfor %}

)

select * from final
