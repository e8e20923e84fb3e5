"""The bank's hypotheses recomputed from the raw file with pandas and scipy, to check the script.

Each built-in hypothesis is restated here as pandas masks over the independent customer table of
`independent_churn`; its kind, alternative and alpha are read from the registry file as plain
YAML, the way the seeds are the specification of the marts. scipy supplies the tests it has
(Welch's t with its interval, Mann-Whitney U, chi-square, Cramér's V); the formulas it lacks
(Hedges' g, the rank-biserial interval, the two-proportion z test, risk difference and ratio,
Holm's step-down) are written out here from their textbook definitions, on the raw arrays.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from scipy import stats

from scripts.tests.independent_churn import customer_table

REGISTRY = Path(__file__).resolve().parents[1] / "hypotheses.yml"
Z_95 = float(stats.norm.ppf(0.975))
OPPOSITE = {"greater": "less", "less": "greater", "two-sided": "two-sided"}

Mask = Callable[[pd.DataFrame], pd.Series]


@dataclass(frozen=True)
class Specification:
    """A built-in hypothesis in pandas: the metric, who is tested, and the two groups."""

    metric: str
    population: Mask
    groups: tuple[Mask, Mask] | None = None
    by: str | None = None


def everyone(customers: pd.DataFrame) -> pd.Series:
    return pd.Series(True, index=customers.index)


BUILT_IN: dict[str, Specification] = {
    "H1": Specification(
        "age", everyone, (lambda c: c["products"] == 2, lambda c: c["products"] == 1)
    ),
    "H2": Specification(
        "balance",
        lambda c: c["has_balance"],
        (lambda c: c["is_churned"], lambda c: ~c["is_churned"]),
    ),
    "H3": Specification(
        "est_salary", everyone, (lambda c: c["is_churned"], lambda c: ~c["is_churned"])
    ),
    "H4": Specification(
        "is_churned",
        lambda c: c["has_balance"],
        (lambda c: c["balance"] >= 1_000_000, lambda c: c["balance"] < 1_000_000),
    ),
    "H5": Specification(
        "is_churned",
        everyone,
        (lambda c: c["gender_en"] == "male", lambda c: c["gender_en"] == "female"),
    ),
    "H6": Specification("is_churned", everyone, by="city"),
}


def registry_entries() -> list[dict[str, Any]]:
    document = yaml.safe_load(REGISTRY.read_text(encoding="utf-8"))
    alpha = document.get("defaults", {}).get("alpha", 0.05)
    return [{"alpha": alpha, **entry} for entry in document["hypotheses"]]


def holm(p_values: list[float]) -> list[float]:
    """Holm (1979): the i-th smallest p times (m - i + 1), kept monotone, capped at 1."""
    m = len(p_values)
    order = np.argsort(p_values, kind="stable")
    adjusted = np.empty(m)
    running = 0.0
    for step, index in enumerate(order):
        running = max(running, (m - step) * p_values[index])
        adjusted[index] = min(1.0, running)
    return adjusted.tolist()


def verdict(alternative: str, rejected: bool, opposite_rejected: bool) -> str:
    """Two-sided: a difference or none. One-sided: supported; contradicted when the opposite
    direction is significant (Bonferroni over the family); otherwise not supported."""
    if alternative == "two-sided":
        return "difference found" if rejected else "no difference found"
    if rejected:
        return "supported"
    return "contradicted" if opposite_rejected else "not supported"


def compare_values(first: np.ndarray, second: np.ndarray, alternative: str) -> dict[str, Any]:
    n1, n2 = len(first), len(second)
    skewness = max(abs(stats.skew(first, bias=False)), abs(stats.skew(second, bias=False)))
    primary = "welch_t" if min(n1, n2) >= 30 and skewness <= 1 else "mann_whitney_u"

    def welch(direction: str) -> Any:
        return stats.ttest_ind(first, second, equal_var=False, alternative=direction)

    def mann_whitney(direction: str) -> Any:
        return stats.mannwhitneyu(first, second, alternative=direction, method="asymptotic")

    chosen = welch if primary == "welch_t" else mann_whitney
    interval = welch("two-sided").confidence_interval(0.95)

    # Hedges' g: Cohen's d on the pooled deviation, times J = 1 - 3 / (4 (n1 + n2) - 9);
    # its standard error from Hedges & Olkin (1985)
    pooled = math.sqrt(
        ((n1 - 1) * first.var(ddof=1) + (n2 - 1) * second.var(ddof=1)) / (n1 + n2 - 2)
    )
    g = (first.mean() - second.mean()) / pooled * (1 - 3 / (4 * (n1 + n2) - 9))
    g_error = math.sqrt((n1 + n2) / (n1 * n2) + g**2 / (2 * (n1 + n2)))

    # rank-biserial r = 2 U1 / (n1 n2) - 1, its interval on Fisher's z scale
    u1 = float(mann_whitney("two-sided").statistic)
    r = 2 * u1 / (n1 * n2) - 1
    r_error = math.sqrt((n1 + n2 + 1) / (3 * n1 * n2))
    return {
        "n_1": n1,
        "n_2": n2,
        "mean_1": first.mean(),
        "mean_2": second.mean(),
        "median_1": float(np.median(first)),
        "median_2": float(np.median(second)),
        "primary_test": primary,
        "statistic": float(chosen(alternative).statistic),
        "p_value": float(chosen(alternative).pvalue),
        "p_value_opposite": float(chosen(OPPOSITE[alternative]).pvalue),
        "welch_t": float(welch(alternative).statistic),
        "welch_p": float(welch(alternative).pvalue),
        "mann_whitney_u": float(mann_whitney(alternative).statistic),
        "mann_whitney_p": float(mann_whitney(alternative).pvalue),
        "mean_difference": first.mean() - second.mean(),
        "mean_difference_lower": float(interval.low),
        "mean_difference_upper": float(interval.high),
        "hedges_g": g,
        "hedges_g_lower": g - Z_95 * g_error,
        "hedges_g_upper": g + Z_95 * g_error,
        "rank_biserial": r,
        "rank_biserial_lower": math.tanh(math.atanh(r) - Z_95 * r_error),
        "rank_biserial_upper": math.tanh(math.atanh(r) + Z_95 * r_error),
    }


def compare_rates(first: np.ndarray, second: np.ndarray, alternative: str) -> dict[str, Any]:
    n1, n2, k1, k2 = len(first), len(second), int(first.sum()), int(second.sum())
    p1, p2 = k1 / n1, k2 / n2
    pooled = (k1 + k2) / (n1 + n2)
    z = (p1 - p2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    p_of = {
        "two-sided": 2 * stats.norm.sf(abs(z)),
        "greater": stats.norm.sf(z),
        "less": stats.norm.cdf(z),
    }
    # Wald interval of p1 - p2; Katz's log interval of p1 / p2
    difference_error = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    log_ratio_error = math.sqrt(1 / k1 - 1 / n1 + 1 / k2 - 1 / n2)
    ratio = p1 / p2
    return {
        "n_1": n1,
        "n_2": n2,
        "rate_1": p1,
        "rate_2": p2,
        "primary_test": "two_proportion_z",
        "statistic": z,
        "p_value": float(p_of[alternative]),
        "p_value_opposite": float(p_of[OPPOSITE[alternative]]),
        "risk_difference": p1 - p2,
        "risk_difference_lower": p1 - p2 - Z_95 * difference_error,
        "risk_difference_upper": p1 - p2 + Z_95 * difference_error,
        "risk_ratio": ratio,
        "risk_ratio_lower": ratio * math.exp(-Z_95 * log_ratio_error),
        "risk_ratio_upper": ratio * math.exp(Z_95 * log_ratio_error),
    }


def rates_across_levels(levels: pd.Series, metric: pd.Series) -> dict[str, Any]:
    table = pd.crosstab(levels, metric).sort_index()
    chi_square = stats.chi2_contingency(table.to_numpy(), correction=False)
    rates = table[True] / table.sum(axis=1)
    return {
        "n_1": int(table.to_numpy().sum()),
        "primary_test": "chi_square",
        "statistic": float(chi_square.statistic),
        "p_value": float(chi_square.pvalue),
        "p_value_opposite": float(chi_square.pvalue),
        "cramers_v": float(stats.contingency.association(table.to_numpy(), method="cramer")),
        "level_rates": ", ".join(f"{level} {rate:.1%}" for level, rate in rates.items()),
    }


def evaluate(customers: pd.DataFrame, entry: dict[str, Any]) -> dict[str, Any]:
    specification = BUILT_IN[entry["id"]]
    assert specification.metric == entry["metric"], entry["id"]
    tested = customers[specification.population(customers) & customers[entry["metric"]].notna()]
    if entry["kind"] == "rates_across_levels":
        assert specification.by == entry["by"], entry["id"]
        return rates_across_levels(tested[entry["by"]], tested[entry["metric"]])
    assert specification.groups is not None, entry["id"]
    first, second = (
        tested.loc[group(tested), entry["metric"]].astype(float).to_numpy()
        for group in specification.groups
    )
    if entry["kind"] == "compare_rates":
        return compare_rates(first, second, entry["alternative"])
    assert entry["kind"] == "compare_values", entry["id"]
    return compare_values(first, second, entry["alternative"])


@functools.cache
def hypothesis_results(path: Path) -> pd.DataFrame:
    """Every built-in hypothesis, with Holm over the family and the verdict, by id."""
    customers = customer_table(path)
    entries = registry_entries()
    assert [entry["id"] for entry in entries] == list(BUILT_IN), "restate new hypotheses here"
    rows = [
        {"hypothesis_id": entry["id"], "alpha": entry["alpha"], **evaluate(customers, entry)}
        for entry in entries
    ]
    family = len(rows)
    for row, entry, p_holm in zip(
        rows, entries, holm([row["p_value"] for row in rows]), strict=True
    ):
        row["p_value_holm"] = p_holm
        row["is_rejected"] = p_holm < entry["alpha"]
        opposite_rejected = min(1.0, family * row["p_value_opposite"]) < entry["alpha"]
        row["verdict"] = verdict(entry["alternative"], row["is_rejected"], opposite_rejected)
    return pd.DataFrame(rows).set_index("hypothesis_id")
