{%- set volume_metrics = [
    ('rows_read', 'Data lines read from the customer file.'),
    ('rows_kept', 'Rows that became customers in dim_customers.'),
    ('rows_rejected', 'Rows quarantined in fct_rejected_rows with their raw text and reasons.'),
] -%}

with

validated as (

    select * from {{ ref('int_customers__validated') }}

),

issues as (

    select * from {{ ref('int_customers__validation_issues') }}

),

reasons as (

    select * from {{ ref('data_quality_reasons') }}

),

row_totals as (

    select
        count(*) as rows_read,
        {{ count_where('not is_rejected') }} as rows_kept,
        {{ count_where('is_rejected') }} as rows_rejected
    from validated

),

volume_metrics as (

    {% for metric_id, description in volume_metrics %}
        select
            '{{ metric_id }}' as metric_id,
            1 as group_order,
            {{ loop.index }} as order_in_group,
            'rows' as metric_group,
            cast(null as {{ dbt.type_string() }}) as reason_code,
            cast(null as {{ dbt.type_string() }}) as field_name,
            cast(null as boolean) as is_blocking,
            {{ metric_id }} as row_count,
            '{{ description }}' as description
        from row_totals
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

rows_per_reason as (

    select
        reason_code,
        count(distinct source_row_number) as row_count
    from issues
    group by reason_code

),

reason_metrics as (

    -- every reason in the catalogue, with zero where the file has none
    select
        {{ dbt.concat(["'reason:'", 'reasons.reason_code']) }} as metric_id,
        2 as group_order,
        0 as order_in_group,
        'reason' as metric_group,
        reasons.reason_code,
        cast(null as {{ dbt.type_string() }}) as field_name,
        reasons.is_blocking,
        coalesce(rows_per_reason.row_count, 0) as row_count,
        reasons.description
    from reasons
    left join rows_per_reason
        on reasons.reason_code = rows_per_reason.reason_code

),

rows_per_reason_and_field as (

    select
        reason_code,
        field_name,
        count(distinct source_row_number) as row_count
    from issues
    group by reason_code, field_name

),

reason_field_metrics as (

    select
        {{ dbt.concat([
            "'reason:'",
            'reasons.reason_code',
            "':'",
            'rows_per_reason_and_field.field_name',
        ]) }} as metric_id,
        3 as group_order,
        0 as order_in_group,
        'reason_by_field' as metric_group,
        reasons.reason_code,
        rows_per_reason_and_field.field_name,
        reasons.is_blocking,
        rows_per_reason_and_field.row_count,
        reasons.description
    from rows_per_reason_and_field
    inner join reasons
        on rows_per_reason_and_field.reason_code = reasons.reason_code

),

metrics as (

    select * from volume_metrics
    union all
    select * from reason_metrics
    union all
    select * from reason_field_metrics

),

final as (

    select
        metrics.metric_id,
        row_number() over (
            order by
                metrics.group_order asc,
                metrics.order_in_group asc,
                metrics.is_blocking desc nulls first,
                metrics.reason_code asc nulls first,
                metrics.field_name asc nulls first,
                metrics.metric_id asc
        ) as metric_order,
        metrics.metric_group,
        metrics.reason_code,
        metrics.field_name,
        metrics.is_blocking,
        metrics.row_count,
        cast(metrics.row_count as {{ type_double() }})
        / nullif(cast(row_totals.rows_read as {{ type_double() }}), 0) as share_of_rows_read,
        metrics.description
    from metrics
    cross join row_totals

)

select * from final
