"""The SQL that turns a hypothesis into the few aggregates its tests need.

A value hypothesis takes two scans of the mart. The first gives, per group, the moments. The
second gives the rank sum, the tie term and the medians: from per-value counts when the metric
is a whole number (few distinct values), else from one sort of the pooled values, which costs
the same whatever the number of distinct values; that way the medians come from the first scan.
A rate hypothesis takes one scan, of group sizes and successes. Every query returns a handful of
rows, so nothing per customer leaves the warehouse.
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


def metric_type_sql(hypothesis: Hypothesis) -> str:
    """The metric's SQL type, from one row of the mart (none when the mart is empty)."""
    return f"select typeof({hypothesis.metric}) as metric_type from {hypothesis.mart} limit 1"


def _per_group_sql(hypothesis: Hypothesis, aggregates: list[str]) -> str:
    """One row per group: its number, size and `aggregates`, and the rows in both groups."""
    columns = ",\n            ".join(["count(*) as n", *aggregates, "sum(in_both) as rows_in_both"])
    return f"""
        with population as ({_population(hypothesis)})
        select
            group_number,
            {columns}
        from population
        where group_number is not null
        group by group_number
        order by group_number
    """


def group_sizes_sql(hypothesis: Hypothesis) -> str:
    """Per group: size and successes (the metric's sum); rows in both groups."""
    return _per_group_sql(hypothesis, ["sum(value) as successes"])


def group_moments_sql(hypothesis: Hypothesis, with_median: bool) -> str:
    """Per group: size, mean, sample variance, skewness; rows in both groups; and, `with_median`,
    the exact median."""
    moments = ["avg(value) as mean", "var_samp(value) as variance", "skewness(value) as skewness"]
    median = ["quantile_cont(value, 0.5) as median"] if with_median else []
    return _per_group_sql(hypothesis, moments + median)


def grouped_rank_sums_sql(hypothesis: Hypothesis) -> str:
    """For a metric with few distinct values: the rank sum, group sizes, tie term and each
    group's median from the per-value counts. One scan and a sort of the distinct values only.

    A group's median is the mean of its values at positions floor((n + 1) / 2) and
    ceil((n + 1) / 2), each the smallest value whose running count in the group reaches it."""
    medians = ",\n".join(
        f"""
            (
                min(value) filter (where up_to_value_in_{group} >= floor((n_{group} + 1) / 2))
                + min(value) filter (where up_to_value_in_{group} >= ceil((n_{group} + 1) / 2))
            ) / 2 as median_{group}"""
        for group in ("1", "2")
    )
    return f"""
        with population as ({_population(hypothesis)}),
        tied_values as (
            select
                value,
                cast(count(*) as double) as tied,
                cast(count(*) filter (where group_number = 1) as double) as tied_in_1,
                cast(count(*) filter (where group_number = 2) as double) as tied_in_2
            from population
            where group_number is not null
            group by value
        ),
        ranked as (
            select
                value,
                tied,
                tied_in_1,
                sum(tied) over up_to_value - tied as values_below,
                sum(tied_in_1) over up_to_value as up_to_value_in_1,
                sum(tied_in_2) over up_to_value as up_to_value_in_2,
                sum(tied_in_1) over () as n_1,
                sum(tied_in_2) over () as n_2
            from tied_values
            window up_to_value as (order by value rows between unbounded preceding and current row)
        )
        select
            coalesce(sum(tied_in_1), 0) as n1,
            coalesce(sum(tied) - sum(tied_in_1), 0) as n2,
            coalesce(sum(tied_in_1 * (values_below + (tied + 1) / 2)), 0) as rank_sum_1,
            coalesce(sum(tied * tied * tied - tied), 0) as tie_term,{medians}
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
