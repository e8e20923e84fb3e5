{#- The value intervals of each continuous feature where churn runs above the bank's rate: runs of
    adjacent above-average quantile bins merged into one interval (gaps and islands). -#}
with

bins as (

    select * from {{ ref('int_churn_value_bins') }}

),

baseline as (

    select * from {{ ref('int_churn_baseline') }}

),

flagged as (

    select
        bins.*,
        sum(bins.customers) over (partition by bins.feature) as feature_customers,
        max(bins.bin_number) over (partition by bins.feature) as feature_last_bin,
        {{ safe_divide('bins.churned_customers', 'bins.customers') }}
        > baseline.churn_rate as is_above_bank_rate
    from bins
    cross join baseline

),

islands as (

    -- consecutive above-average bins share the same difference between the two numberings
    select
        *,
        bin_number - row_number() over (
            partition by feature, is_above_bank_rate order by bin_number
        ) as island
    from flagged

),

merged as (

    select
        feature,
        min(bin_number) as first_bin,
        max(bin_number) as last_bin,
        count(*) as bins_merged,
        min(lower_value) as lower_value,
        max(upper_value) as upper_value,
        {{ dbt.cast('sum(customers)', dbt.type_bigint()) }} as customers,
        {{ dbt.cast('sum(churned_customers)', dbt.type_bigint()) }} as churned_customers,
        max(feature_customers) as feature_customers,
        max(feature_last_bin) as feature_last_bin
    from islands
    where is_above_bank_rate
    group by feature, island

),

rated as (

    select
        *,
        {{ churn_rate_columns('churned_customers', 'customers') }}
    from merged

),

final as (

    select
        {{ dbt.concat(['rated.feature', "':'", dbt.cast('rated.first_bin', dbt.type_string())]) }}
            as interval_id,
        rated.feature,
        row_number() over (partition by rated.feature order by rated.lower_value) as interval_number,
        rated.lower_value,
        rated.upper_value,
        -- an interval that reaches the lowest or highest value reads as open-ended
        case
            when rated.first_bin = 1 and rated.last_bin = rated.feature_last_bin
                then {{ dbt.concat(["'any '", 'rated.feature']) }}
            when rated.first_bin = 1
                then {{ dbt.concat(['rated.feature', "' up to '", whole_number_text('rated.upper_value')]) }}
            when rated.last_bin = rated.feature_last_bin
                then {{ dbt.concat(['rated.feature', "' from '", whole_number_text('rated.lower_value')]) }}
            else {{ dbt.concat([
                'rated.feature',
                "' '",
                whole_number_text('rated.lower_value'),
                "'-'",
                whole_number_text('rated.upper_value'),
            ]) }}
        end as interval_description,
        rated.first_bin = 1 as is_open_below,
        rated.last_bin = rated.feature_last_bin as is_open_above,
        rated.first_bin,
        rated.last_bin,
        rated.bins_merged,
        rated.customers,
        rated.churned_customers,
        rated.churn_rate,
        rated.churn_rate_lower,
        rated.churn_rate_upper,
        {{ safe_divide('rated.churn_rate', 'baseline.churn_rate') }} as lift,
        {{ safe_divide('rated.customers', 'rated.feature_customers') }} as share_of_feature_customers,
        {{ safe_divide('rated.churned_customers', 'baseline.churned_customers') }} as share_of_churners,
        rated.churn_rate_lower > baseline.churn_rate as is_significant
    from rated
    cross join baseline

)

select * from final
