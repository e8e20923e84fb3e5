"""The SQL that turns a hypothesis into the few aggregates its tests need.

A value hypothesis takes two scans of the mart. The first gives, per group, the moments, the
median and an estimate of the distinct values. The second gives the rank sum and tie term: from
per-value counts when the metric has few distinct values, else from one sort of the pooled
values, which costs the same whatever the number of distinct values. Every query returns a
handful of rows, so nothing per customer leaves the warehouse.
"""

from __future__ import annotations

from scripts.hypothesis_registry import Hypothesis


def _population(hypothesis: Hypothesis) -> str:
    """One row per customer in either group: the group number (1 or 2) and the metric."""
    first, second = hypothesis.groups
    conditions = [f"{hypothesis.metric} is not null"]
    if hypothesis.where:
        conditions.append(f"({hypothesis.where})")
    return f"""
        select
            case when ({first.filter}) then 1 when ({second.filter}) then 2 end as group_number,
            case when ({first.filter}) and ({second.filter}) then 1 else 0 end as in_both,
            cast({hypothesis.metric} as double) as value
        from {hypothesis.mart}
        where {" and ".join(conditions)}
    """


def group_moments_sql(hypothesis: Hypothesis, with_median: bool = False) -> str:
    """Per group: size, mean, sample variance, skewness, successes; rows in both groups; and,
    `with_median`, the exact median and an estimate of the number of distinct values."""
    median = (
        ""
        if not with_median
        else """,
            quantile_cont(value, 0.5) as median,
            approx_count_distinct(value) as distinct_values"""
    )
    return f"""
        with population as ({_population(hypothesis)})
        select
            group_number,
            count(*) as n,
            avg(value) as mean,
            var_samp(value) as variance,
            skewness(value) as skewness,
            sum(value) as successes,
            sum(in_both) as rows_in_both{median}
        from population
        where group_number is not null
        group by group_number
        order by group_number
    """


def grouped_rank_sums_sql(hypothesis: Hypothesis) -> str:
    """For a metric with few distinct values: the rank sum, group sizes and tie term from the
    per-value counts. One scan and a sort of the distinct values only."""
    return f"""
        with population as ({_population(hypothesis)}),
        tied_values as (
            select
                value,
                cast(count(*) as double) as tied,
                cast(count(*) filter (where group_number = 1) as double) as tied_in_first
            from population
            where group_number is not null
            group by value
        ),
        ranked as (
            select
                value,
                tied,
                tied_in_first,
                sum(tied) over up_to_value - tied as values_below
            from tied_values
            window up_to_value as (order by value rows between unbounded preceding and current row)
        )
        select
            coalesce(sum(tied_in_first), 0) as n1,
            coalesce(sum(tied) - sum(tied_in_first), 0) as n2,
            coalesce(sum(tied_in_first * (values_below + (tied + 1) / 2)), 0) as rank_sum_1,
            coalesce(sum(tied * tied * tied - tied), 0) as tie_term
        from ranked
    """


def sorted_rank_sums_sql(hypothesis: Hypothesis) -> str:
    """For any metric: the first group's rank sum in the pooled sample (tied values share their
    average rank), the group sizes and the tie term sum(t^3 - t), from one sort of the pooled
    values.

    The sort puts the first group first among equal values, so its rows' positions sum to the
    rank sum less, for each tie, t1 * (t - t1) / 2: the shift from those positions to the
    average rank. Ties are found as the rows repeating the value before them; such rows,
    grouped by value, give each tie's size, and the row that opened the tie is counted back
    through the group of the row before it. Every other row falls into one group, the null
    value's, so the aggregate holds one entry per tied value, not per value."""
    return f"""
        with population as ({_population(hypothesis)}),
        pooled as (
            select
                group_number,
                value,
                row_number() over by_value as position,
                value = lag(value) over by_value as repeats_previous_value,
                lag(group_number) over by_value as previous_group_number
            from population
            where group_number is not null
            window by_value as (order by value, group_number)
        ),
        ties as (
            select
                case when repeats_previous_value then value end as tied_value,
                count(*) filter (where group_number = 1) as first_group_rows,
                count(*) as pooled_rows,
                cast(sum(position) filter (where group_number = 1) as double) as first_positions,
                cast(count(*) + 1 as double) as tie_size,
                cast(
                    count(*) filter (where group_number = 1)
                    + case when min(previous_group_number) = 1 then 1 else 0 end
                    as double
                ) as tie_size_in_first
            from pooled
            group by tied_value
        )
        select
            coalesce(sum(first_group_rows), 0) as n1,
            coalesce(sum(pooled_rows) - sum(first_group_rows), 0) as n2,
            coalesce(sum(first_positions), 0)
            + coalesce(
                sum(tie_size_in_first * (tie_size - tie_size_in_first) / 2)
                    filter (where tied_value is not null),
                0
            ) as rank_sum_1,
            coalesce(
                sum(tie_size * tie_size * tie_size - tie_size)
                    filter (where tied_value is not null),
                0
            ) as tie_term
        from ties
    """


def level_counts_sql(hypothesis: Hypothesis) -> str:
    """Per level of the `by` column: customers and those for whom the metric holds."""
    where = f"where {hypothesis.where}" if hypothesis.where else ""
    return f"""
        select
            cast({hypothesis.by} as varchar) as level,
            count(*) as n,
            sum(case when {hypothesis.metric} then 1 else 0 end) as successes
        from {hypothesis.mart}
        {where}
        group by 1
        order by 1
    """
