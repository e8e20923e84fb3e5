-- returns a row when the file's rows do not reconcile: every staged row must be either a customer
-- or a quarantined row (never both, never neither), and rpt_data_quality must report the same
with

staged as (

    select count(*) as row_count from {{ ref('stg_bank__customers') }}

),

customers as (

    select count(*) as row_count from {{ ref('dim_customers') }}

),

rejected as (

    select count(*) as row_count from {{ ref('fct_rejected_rows') }}

),

rows_in_both as (

    select count(*) as row_count
    from {{ ref('dim_customers') }} as dim_customers
    inner join {{ ref('fct_rejected_rows') }} as fct_rejected_rows
        on dim_customers.source_row_number = fct_rejected_rows.source_row_number

),

reported as (

    select
        sum(case when metric_id = 'rows_read' then row_count end) as rows_read,
        sum(case when metric_id = 'rows_kept' then row_count end) as rows_kept,
        sum(case when metric_id = 'rows_rejected' then row_count end) as rows_rejected
    from {{ ref('rpt_data_quality') }}

),

final as (

    select
        staged.row_count as rows_staged,
        customers.row_count as rows_in_dim_customers,
        rejected.row_count as rows_in_quarantine,
        rows_in_both.row_count as rows_in_both,
        reported.rows_read,
        reported.rows_kept,
        reported.rows_rejected
    from staged
    cross join customers
    cross join rejected
    cross join rows_in_both
    cross join reported
    where
        staged.row_count <> customers.row_count + rejected.row_count
        or rows_in_both.row_count <> 0
        or reported.rows_read <> staged.row_count
        or reported.rows_kept <> customers.row_count
        or reported.rows_rejected <> rejected.row_count

)

select * from final
