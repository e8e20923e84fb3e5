{#- The numeric features that have bands in the seed band_edges. -#}
{%- set banded_features = ['age', 'score', 'balance', 'est_salary', 'equity', 'products'] -%}

with

customers as (

    select * from {{ ref('int_customers__validated') }}
    where not is_rejected

),

band_edges as (

    select * from {{ ref('band_edges') }}

),

feature_values as (

    {% for feature in banded_features %}
        select
            customer_id,
            '{{ feature }}' as feature,
            {{ feature }} as feature_value
        from customers
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    -- lower edge inclusive, upper edge exclusive, a missing edge is open
    select
        feature_values.customer_id,
        feature_values.feature,
        feature_values.feature_value,
        coalesce(band_edges.band_order, 0) as band_order,
        coalesce(band_edges.band_label, 'missing') as band_label
    from feature_values
    left join band_edges
        on
            feature_values.feature = band_edges.feature
            and (
                band_edges.lower_bound is null
                or feature_values.feature_value >= band_edges.lower_bound
            )
            and (
                band_edges.upper_bound is null
                or feature_values.feature_value < band_edges.upper_bound
            )

)

select * from final
