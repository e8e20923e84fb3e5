"""The SQL that turns a hypothesis into the few aggregates its tests need.

Each query scans the mart once inside DuckDB and returns a handful of rows (per group: counts
and moments; per slice of the value range: the rank sum, tie term and group sizes; one middle
value for a median; contingency counts). Ranks are computed over the distinct values of one
slice with window functions, so nothing per customer leaves the warehouse and no query sorts
more than a slice.
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


def group_moments_sql(hypothesis: Hypothesis) -> str:
    """Per group: size, mean, sample variance, skewness, successes; and rows in both groups."""
    return f"""
        with population as ({_population(hypothesis)})
        select
            group_number,
            count(*) as n,
            avg(value) as mean,
            var_samp(value) as variance,
            skewness(value) as skewness,
            sum(value) as successes,
            sum(in_both) as rows_in_both
        from population
        where group_number is not null
        group by group_number
        order by group_number
    """


def chunk_edges_sql(hypothesis: Hypothesis, chunks: int) -> str:
    """Value edges that cut the pooled sample into about `chunks` slices of similar size, so
    each rank-sum query sorts one slice, not the whole sample."""
    fractions = ", ".join(str(index / chunks) for index in range(1, chunks))
    return f"""
        with population as ({_population(hypothesis)})
        select unnest(approx_quantile(value, [{fractions}])) as edge
        from population
        where group_number is not null
    """


def distinct_values_sql(hypothesis: Hypothesis) -> str:
    return f"""
        with population as ({_population(hypothesis)})
        select approx_count_distinct(value) as distinct_values
        from population
        where group_number is not null
    """


def _slice_bounds(lower: float | None, upper: float | None) -> list[str]:
    bounds = []
    if lower is not None:
        bounds.append(f"value > {lower!r}")
    if upper is not None:
        bounds.append(f"value <= {upper!r}")
    return bounds


def ordered_value_sql(
    hypothesis: Hypothesis, group_number: int, lower: float | None, upper: float | None, offset: int
) -> str:
    """The group's value at a position (from 0) within the value slice (lower, upper]."""
    conditions = [f"group_number = {group_number}", *_slice_bounds(lower, upper)]
    return f"""
        with population as ({_population(hypothesis)})
        select value
        from population
        where {" and ".join(conditions)}
        order by value
        limit 1 offset {offset}
    """


def rank_sums_sql(hypothesis: Hypothesis, lower: float | None, upper: float | None) -> str:
    """Within the value slice (lower, upper]: the first group's rank sum counted from the
    slice's bottom (tied values share their average rank), the slice's sizes and its tie term
    sum(t^3 - t). Slices add up: a slice's ranks shift by the count of values below it."""
    bounds = ["group_number is not null", *_slice_bounds(lower, upper)]
    return f"""
        with population as ({_population(hypothesis)}),
        tied_values as (
            select
                value,
                cast(count(*) as double) as tied,
                cast(count(*) filter (where group_number = 1) as double) as tied_in_first
            from population
            where {" and ".join(bounds)}
            group by value
        ),
        ranked as (
            select
                tied,
                tied_in_first,
                sum(tied) over (order by value rows between unbounded preceding and current row)
                - tied as values_below
            from tied_values
        )
        select
            coalesce(sum(tied_in_first), 0) as n1,
            coalesce(sum(tied) - sum(tied_in_first), 0) as n2,
            coalesce(sum(tied_in_first * (values_below + (tied + 1) / 2)), 0) as rank_sum_1,
            coalesce(sum(tied * tied * tied - tied), 0) as tie_term
        from ranked
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
