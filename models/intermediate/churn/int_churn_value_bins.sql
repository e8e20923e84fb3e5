{#- Fine quantile bins of each continuous feature. Bins follow the value's rank, so customers with
    the same value always share a bin and a bin never splits a tie. Ranks are worked out over the
    distinct values with their counts: a value's rank is one more than the customers below it. -#}
with

customers as (

    select * from {{ ref('dim_customers') }}

),

value_counts as (

    {% for interval_feature in churn_interval_features() %}
        select
            '{{ interval_feature.feature }}' as feature,
            cast({{ interval_feature.column }} as {{ type_double() }}) as feature_value,
            count(*) as customers,
            {{ count_where('is_churned') }} as churned_customers
        from customers
        where {{ interval_feature.column }} is not null
        group by {{ interval_feature.column }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

ranked as (

    select
        feature,
        feature_value,
        customers,
        churned_customers,
        sum(customers) over (
            partition by feature
            order by feature_value
            rows between unbounded preceding and current row
        ) - customers + 1 as value_rank,
        sum(customers) over (partition by feature) as feature_customers
    from value_counts

),

binned as (

    select
        feature,
        feature_value,
        customers,
        churned_customers,
        floor(
            cast(value_rank - 1 as {{ type_double() }}) * {{ var('churn_interval_bins') }}
            / cast(feature_customers as {{ type_double() }})
        ) as quantile_bin
    from ranked

),

bins as (

    select
        feature,
        quantile_bin,
        min(feature_value) as lower_value,
        max(feature_value) as upper_value,
        {{ dbt.cast('sum(customers)', dbt.type_bigint()) }} as customers,
        {{ dbt.cast('sum(churned_customers)', dbt.type_bigint()) }} as churned_customers
    from binned
    group by feature, quantile_bin

),

final as (

    select
        feature,
        lower_value,
        upper_value,
        customers,
        churned_customers,
        row_number() over (partition by feature order by quantile_bin) as bin_number
    from bins

)

select * from final
