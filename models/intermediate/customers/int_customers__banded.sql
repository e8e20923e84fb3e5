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

with

customers as (

    select * from {{ ref('int_customers__validated') }}
    where not is_rejected

),

final as (

    -- lower edge inclusive, upper edge exclusive, a missing edge is open; a missing value
    -- matches no band
    select
        {%- for feature, label_column, order_column in banded_features %}
            {%- set in_band = feature ~ '_band.upper_bound is null or customers.' ~ feature
                ~ ' < ' ~ feature ~ '_band.upper_bound' %}
            coalesce(case when {{ in_band }} then {{ feature }}_band.band_label end, 'missing')
                as {{ label_column }},
            coalesce(case when {{ in_band }} then {{ feature }}_band.band_order end, 0)
                as {{ order_column }},
        {%- endfor %}
        customers.source_row_number
    from customers
    {%- for feature, label_column, order_column in banded_features %}
        {{ band_join('customers.' ~ feature, feature, feature ~ '_band') }}
    {%- endfor %}

)

select * from final
