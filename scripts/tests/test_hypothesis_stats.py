"""Every statistic from sufficient statistics against scipy on the raw arrays."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from scripts import hypothesis_stats as tests

RELATIVE = 1e-9


def moments(values: np.ndarray) -> tests.GroupMoments:
    return tests.GroupMoments(
        n=len(values),
        mean=float(values.mean()),
        variance=float(values.var(ddof=1)),
        skewness=float(stats.skew(values, bias=False)),
    )


def rank_sums(first: np.ndarray, second: np.ndarray) -> tests.RankSums:
    pooled = np.concatenate([first, second])
    ranks = stats.rankdata(pooled)
    _, tie_counts = np.unique(pooled, return_counts=True)
    return tests.RankSums(
        n1=len(first),
        n2=len(second),
        rank_sum_1=float(ranks[: len(first)].sum()),
        tie_term=float((tie_counts.astype(float) ** 3 - tie_counts).sum()),
    )


@pytest.fixture(params=["continuous", "heavy_ties", "skewed"])
def samples(request) -> tuple[np.ndarray, np.ndarray]:
    generator = np.random.default_rng(7)
    if request.param == "continuous":
        return generator.normal(40, 10, 300), generator.normal(42, 12, 450)
    if request.param == "heavy_ties":
        return generator.integers(0, 6, 500).astype(float), generator.integers(1, 7, 350).astype(
            float
        )
    return generator.lognormal(13, 1, 400), generator.lognormal(13.3, 1.2, 250)


@pytest.mark.parametrize("alternative", tests.ALTERNATIVES)
def test_welch_matches_scipy_on_raw_arrays(samples, alternative: str) -> None:
    first, second = samples
    expected = stats.ttest_ind(first, second, equal_var=False, alternative=alternative)
    result = tests.welch_t_test(moments(first), moments(second), alternative)
    assert result.statistic == pytest.approx(expected.statistic, rel=RELATIVE)
    assert result.p_value == pytest.approx(expected.pvalue, rel=RELATIVE)


@pytest.mark.parametrize("alternative", tests.ALTERNATIVES)
def test_mann_whitney_matches_scipy_with_ties(samples, alternative: str) -> None:
    first, second = samples
    expected = stats.mannwhitneyu(first, second, alternative=alternative, method="asymptotic")
    result = tests.mann_whitney_u_test(rank_sums(first, second), alternative)
    assert result.statistic == pytest.approx(expected.statistic, rel=RELATIVE)
    assert result.p_value == pytest.approx(expected.pvalue, rel=RELATIVE)


def test_mean_difference_interval_matches_scipy(samples) -> None:
    first, second = samples
    expected = stats.ttest_ind(first, second, equal_var=False).confidence_interval(0.95)
    interval = tests.mean_difference(moments(first), moments(second))
    assert interval.estimate == pytest.approx(first.mean() - second.mean(), rel=RELATIVE)
    assert interval.lower == pytest.approx(expected.low, rel=RELATIVE)
    assert interval.upper == pytest.approx(expected.high, rel=RELATIVE)


def test_hedges_g_is_the_corrected_standardised_difference(samples) -> None:
    first, second = samples
    n1, n2 = len(first), len(second)
    pooled = math.sqrt(
        ((n1 - 1) * first.var(ddof=1) + (n2 - 1) * second.var(ddof=1)) / (n1 + n2 - 2)
    )
    expected = (first.mean() - second.mean()) / pooled * (1 - 3 / (4 * (n1 + n2) - 9))
    interval = tests.hedges_g(moments(first), moments(second))
    assert interval.estimate == pytest.approx(expected, rel=RELATIVE)
    assert interval.lower < interval.estimate < interval.upper


def test_rank_biserial_is_the_probability_of_superiority_rescaled(samples) -> None:
    first, second = samples
    above = (first[:, None] > second[None, :]).mean() + 0.5 * (
        first[:, None] == second[None, :]
    ).mean()
    interval = tests.rank_biserial(rank_sums(first, second))
    assert interval.estimate == pytest.approx(2 * above - 1, rel=RELATIVE)
    assert -1 <= interval.lower < interval.estimate < interval.upper <= 1


def test_two_proportion_z_matches_chi_square_and_normal_tails() -> None:
    table = [[301, 1000 - 301], [170, 1010 - 170]]
    chi_square = stats.chi2_contingency(table, correction=False)
    two_sided = tests.two_proportion_z_test(301, 1000, 170, 1010, "two-sided")
    assert two_sided.statistic**2 == pytest.approx(chi_square.statistic, rel=RELATIVE)
    assert two_sided.p_value == pytest.approx(chi_square.pvalue, rel=RELATIVE)
    greater = tests.two_proportion_z_test(301, 1000, 170, 1010, "greater")
    assert greater.p_value == pytest.approx(stats.norm.sf(two_sided.statistic), rel=RELATIVE)


def test_risk_difference_and_ratio() -> None:
    difference = tests.risk_difference(30, 100, 20, 100)
    assert difference.estimate == pytest.approx(0.1)
    half_width = 1.959963984540054 * math.sqrt(0.3 * 0.7 / 100 + 0.2 * 0.8 / 100)
    assert difference.upper - difference.estimate == pytest.approx(half_width, rel=RELATIVE)
    ratio = tests.risk_ratio(30, 100, 20, 100)
    assert ratio.estimate == pytest.approx(1.5)
    log_half_width = 1.959963984540054 * math.sqrt(1 / 30 - 1 / 100 + 1 / 20 - 1 / 100)
    assert math.log(ratio.upper / ratio.estimate) == pytest.approx(log_half_width, rel=RELATIVE)


def test_chi_square_and_cramers_v() -> None:
    table = [[110, 890], [160, 840], [190, 810]]
    expected = stats.chi2_contingency(table, correction=False)
    assert tests.chi_square_test(table).p_value == pytest.approx(expected.pvalue, rel=RELATIVE)
    assert tests.cramers_v(table) == pytest.approx(
        stats.contingency.association(np.array(table), method="cramer"), rel=RELATIVE
    )


def test_holm_adjustment_steps_down_and_stays_monotone() -> None:
    adjusted = tests.holm_adjust([0.01, 0.04, 0.03, 0.005])
    assert adjusted == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert tests.holm_adjust([0.5, 0.9]) == pytest.approx([1.0, 1.0])


def test_risk_ratio_is_undefined_where_a_group_has_no_events() -> None:
    # a ratio over a rate of 0 is undefined, and so is the log-scale interval of a ratio of 0
    none_in_b = tests.risk_ratio(3, 10, 0, 10)
    assert all(
        math.isnan(value) for value in (none_in_b.estimate, none_in_b.lower, none_in_b.upper)
    )
    none_in_a = tests.risk_ratio(0, 10, 3, 10)
    assert none_in_a.estimate == 0.0
    assert math.isnan(none_in_a.lower)
    assert math.isnan(none_in_a.upper)
