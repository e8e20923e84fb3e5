"""Test statistics, p-values and effect sizes from sufficient statistics.

Everything here takes the small aggregates the warehouse returns (counts, means, variances, rank
sums, tie terms, contingency counts), never the customers themselves, so its cost does not grow
with the data. scipy's special functions supply the distributions (its `stats` module is
not imported: it takes a second to load, longer than every test here together).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy import special

ALTERNATIVES = ("two-sided", "greater", "less")
CONFIDENCE = 0.95
# A group needs at least this many values for a variance, and so for any test here; with fewer
# a hypothesis is not testable.
MIN_GROUP_SIZE = 2


@dataclass(frozen=True)
class GroupMoments:
    """Size, mean, sample variance and skewness of a numeric metric in one group."""

    n: int
    mean: float
    variance: float
    skewness: float


@dataclass(frozen=True)
class RankSums:
    """Mann-Whitney inputs: the first group's rank sum over the pooled sample, and the tie
    term sum(t^3 - t) over groups of equal values."""

    n1: int
    n2: int
    rank_sum_1: float
    tie_term: float


@dataclass(frozen=True)
class Interval:
    estimate: float
    lower: float
    upper: float


@dataclass(frozen=True)
class TestResult:
    statistic: float
    p_value: float


def one_sided_p(z: float, alternative: str) -> float:
    """p-value of a standard-normal statistic for the alternative."""
    if alternative == "greater":
        return float(special.ndtr(-z))
    if alternative == "less":
        return float(special.ndtr(z))
    return float(2 * special.ndtr(-abs(z)))


def welch_t_test(a: GroupMoments, b: GroupMoments, alternative: str) -> TestResult:
    """Welch's t: are the means of a and b equal? No equal-variance assumption."""
    t = (a.mean - b.mean) / math.sqrt(a.variance / a.n + b.variance / b.n)
    degrees_of_freedom = welch_degrees_of_freedom(a, b)
    if alternative == "greater":
        p_value = special.stdtr(degrees_of_freedom, -t)
    elif alternative == "less":
        p_value = special.stdtr(degrees_of_freedom, t)
    else:
        p_value = 2 * special.stdtr(degrees_of_freedom, -abs(t))
    return TestResult(t, float(p_value))


def welch_degrees_of_freedom(a: GroupMoments, b: GroupMoments) -> float:
    va, vb = a.variance / a.n, b.variance / b.n
    return (va + vb) ** 2 / (va**2 / (a.n - 1) + vb**2 / (b.n - 1))


def mean_difference(a: GroupMoments, b: GroupMoments) -> Interval:
    """Difference of means a - b with its Welch 95% interval."""
    difference = a.mean - b.mean
    standard_error = math.sqrt(a.variance / a.n + b.variance / b.n)
    quantile = float(special.stdtrit(welch_degrees_of_freedom(a, b), 0.5 + CONFIDENCE / 2))
    return Interval(
        difference, difference - quantile * standard_error, difference + quantile * standard_error
    )


def hedges_g(a: GroupMoments, b: GroupMoments) -> Interval:
    """Standardised mean difference with small-sample correction and its normal 95% interval."""
    pooled = math.sqrt(((a.n - 1) * a.variance + (b.n - 1) * b.variance) / (a.n + b.n - 2))
    correction = 1 - 3 / (4 * (a.n + b.n) - 9)
    g = (a.mean - b.mean) / pooled * correction
    standard_error = math.sqrt((a.n + b.n) / (a.n * b.n) + g**2 / (2 * (a.n + b.n)))
    quantile = float(special.ndtri(0.5 + CONFIDENCE / 2))
    return Interval(g, g - quantile * standard_error, g + quantile * standard_error)


def mann_whitney_u_test(ranks: RankSums, alternative: str) -> TestResult:
    """Mann-Whitney U with tie correction and continuity correction (normal approximation):
    does a value drawn from a tend to be larger than one drawn from b? The statistic is U of
    the first group, as scipy reports it."""
    u1 = ranks.rank_sum_1 - ranks.n1 * (ranks.n1 + 1) / 2
    u2 = ranks.n1 * ranks.n2 - u1
    n = ranks.n1 + ranks.n2
    sigma = math.sqrt(ranks.n1 * ranks.n2 / 12 * ((n + 1) - ranks.tie_term / (n * (n - 1))))
    mu = ranks.n1 * ranks.n2 / 2
    tested = {"greater": u1, "less": u2}.get(alternative, max(u1, u2))
    z = (tested - mu - 0.5) / sigma
    factor = 2 if alternative == "two-sided" else 1
    return TestResult(u1, min(1.0, factor * float(special.ndtr(-z))))


def rank_biserial(ranks: RankSums) -> Interval:
    """Rank-biserial correlation 2U/(n1 n2) - 1 (+1: every a above every b), with an
    approximate 95% interval from its large-sample standard error on Fisher's z scale."""
    u1 = ranks.rank_sum_1 - ranks.n1 * (ranks.n1 + 1) / 2
    r = 2 * u1 / (ranks.n1 * ranks.n2) - 1
    standard_error = math.sqrt((ranks.n1 + ranks.n2 + 1) / (3 * ranks.n1 * ranks.n2))
    quantile = float(special.ndtri(0.5 + CONFIDENCE / 2))
    centre = math.atanh(max(min(r, 1 - 1e-12), -1 + 1e-12))
    return Interval(
        r,
        math.tanh(centre - quantile * standard_error),
        math.tanh(centre + quantile * standard_error),
    )


def two_proportion_z_test(
    successes_a: int, n_a: int, successes_b: int, n_b: int, alternative: str
) -> TestResult:
    """Pooled two-proportion z test: is the rate in a equal to the rate in b?"""
    pooled = (successes_a + successes_b) / (n_a + n_b)
    standard_error = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    z = (successes_a / n_a - successes_b / n_b) / standard_error
    return TestResult(z, one_sided_p(z, alternative))


def risk_difference(successes_a: int, n_a: int, successes_b: int, n_b: int) -> Interval:
    """Rate in a minus rate in b with its Wald 95% interval."""
    rate_a, rate_b = successes_a / n_a, successes_b / n_b
    standard_error = math.sqrt(rate_a * (1 - rate_a) / n_a + rate_b * (1 - rate_b) / n_b)
    quantile = float(special.ndtri(0.5 + CONFIDENCE / 2))
    difference = rate_a - rate_b
    return Interval(
        difference, difference - quantile * standard_error, difference + quantile * standard_error
    )


def risk_ratio(successes_a: int, n_a: int, successes_b: int, n_b: int) -> Interval:
    """Rate in a over rate in b with its 95% interval on the log scale (Katz). Without
    successes in b the ratio is undefined, and without successes in either group so is the
    interval: NaN there."""
    if successes_b == 0:
        return Interval(math.nan, math.nan, math.nan)
    ratio = (successes_a / n_a) / (successes_b / n_b)
    if successes_a == 0:
        return Interval(ratio, math.nan, math.nan)
    standard_error = math.sqrt(1 / successes_a - 1 / n_a + 1 / successes_b - 1 / n_b)
    quantile = float(special.ndtri(0.5 + CONFIDENCE / 2))
    return Interval(
        ratio,
        math.exp(math.log(ratio) - quantile * standard_error),
        math.exp(math.log(ratio) + quantile * standard_error),
    )


def chi_square_test(table: Sequence[Sequence[int]]) -> TestResult:
    """Pearson's chi-square test of independence on a contingency table (no continuity
    correction): do the rates differ across the levels?"""
    row_totals = [sum(row) for row in table]
    column_totals = [sum(column) for column in zip(*table, strict=True)]
    total = sum(row_totals)
    statistic = sum(
        (observed - expected) ** 2 / expected
        for row, row_total in zip(table, row_totals, strict=True)
        for observed, column_total in zip(row, column_totals, strict=True)
        for expected in [row_total * column_total / total]
    )
    degrees_of_freedom = (len(row_totals) - 1) * (len(column_totals) - 1)
    return TestResult(statistic, float(special.chdtrc(degrees_of_freedom, statistic)))


def cramers_v(table: Sequence[Sequence[int]]) -> float:
    """Strength of association for a contingency table, 0 (none) to 1."""
    statistic = chi_square_test(table).statistic
    total = sum(sum(row) for row in table)
    smaller_side = min(len(table), len(table[0])) - 1
    return math.sqrt(statistic / (total * smaller_side))


def holm_adjust(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjustment: controls the family-wise error rate at every alpha."""
    order = sorted(range(len(p_values)), key=lambda index: p_values[index])
    adjusted = [0.0] * len(p_values)
    running_max = 0.0
    for position, index in enumerate(order):
        running_max = max(running_max, (len(p_values) - position) * p_values[index])
        adjusted[index] = min(1.0, running_max)
    return adjusted
