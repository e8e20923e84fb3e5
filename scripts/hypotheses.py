"""Run the registered hypothesis tests over the marts and write the results back.

Usage: python -m scripts.hypotheses [--database PATH] [--registry PATH] [--alpha A]
                                    [--only ID ...] [--reports-dir DIR]

The warehouse computes the sufficient statistics; only those cross into Python. Exits 0 whether
or not hypotheses are rejected, and non-zero when a mart is missing or a registry entry is bad.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from scripts import hypothesis_stats as tests
from scripts.hypothesis_registry import (
    DEFAULT_REGISTRY,
    Group,
    Hypothesis,
    RegistryError,
    load_registry,
)
from scripts.hypothesis_reports import RESULTS_TABLE, results_frame, write_reports, write_results
from scripts.hypothesis_sql import (
    group_moments_sql,
    group_sizes_sql,
    grouped_rank_sums_sql,
    level_counts_sql,
    metric_type_sql,
    sorted_rank_sums_sql,
)
from scripts.localisation import (
    FEATURE_NAMES,
    TEST_NAMES,
    Language,
    format_number,
    format_percent,
    metric_unit,
    p_phrase,
    translate,
)
from scripts.warehouse import PROJECT_DIR, add_database_argument

MIN_GROUP_FOR_T = 30
# Metrics of these types (whole numbers: an age, a score, a count of products) take few
# distinct values, so their ranks and medians come from per-value counts; any other metric (an
# amount: nearly one value per customer) from one sort of the pooled values, which costs the same
# whatever the number of distinct values. Both are exact; the type only picks the cheaper.
GROUPED_RANKS_TYPES = frozenset(
    {"BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER"}
)
MAX_SKEW_FOR_T = 1.0
OPPOSITE = {"greater": "less", "less": "greater", "two-sided": "two-sided"}

Result = dict[str, Any]


class HypothesisError(RuntimeError):
    """A hypothesis cannot be evaluated against this warehouse; the message names it."""


NOT_TESTABLE_REASONS: dict[str, dict[Language, str]] = {
    "small_groups": {
        "ru": "в каждой группе нужно не меньше {minimum} клиентов, а в группах {sizes}",
        "en": "each group needs at least {minimum} customers, and the groups have {sizes}",
    },
    "no_variation": {
        "ru": "{metric} не меняется ни в одной из групп",
        "en": "{metric} does not vary within either group",
    },
    "all_alike": {
        "ru": "{metric} одинаково у всех проверяемых клиентов ({value})",
        "en": "{metric} is the same for every customer tested ({value})",
    },
    "one_level": {
        "ru": "у проверяемых клиентов меньше двух значений {by} ({levels})",
        "en": "the customers tested have fewer than two levels of {by} ({levels})",
    },
}


class NotTestable(Exception):  # noqa: N818 - an outcome of a hypothesis, not a failure
    """The data cannot answer the hypothesis with its test (a group too small, no variation):
    the hypothesis is reported with this reason instead of a verdict."""

    def __init__(self, reason: str, **details: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.details = details

    def text(self, language: Language) -> str:
        return NOT_TESTABLE_REASONS[self.reason][language].format(**self.details)


def choose_primary_test(first: tests.GroupMoments, second: tests.GroupMoments) -> tuple[str, str]:
    """Welch's t compares means, which describe a group only when its values are not heavily
    skewed and the sample is large enough for the t distribution; otherwise Mann-Whitney U,
    which compares whole distributions by rank and is untouched by a few extreme values."""
    small = min(first.n, second.n) < MIN_GROUP_FOR_T
    skewed = max(abs(first.skewness), abs(second.skewness)) > MAX_SKEW_FOR_T
    if small or skewed:
        reason = "a group has fewer than 30 values" if small else "skewness beyond +/-1"
        return "mann_whitney_u", f"Mann-Whitney U: {reason}, so ranks describe the groups"
    return "welch_t", "Welch's t: both groups have 30+ values and skewness within +/-1"


def verdict(alternative: str, rejected: bool, opposite_rejected: bool) -> str:
    """What the test says about the hypothesis, direction included."""
    if alternative == "two-sided":
        return "difference found" if rejected else "no difference found"
    if rejected:
        return "supported"
    return "contradicted" if opposite_rejected else "not supported"


def _query(connection: duckdb.DuckDBPyConnection, hypothesis: Hypothesis, sql: str) -> pd.DataFrame:
    try:
        return connection.execute(sql).df()
    except duckdb.CatalogException as error:
        raise HypothesisError(
            f"hypothesis {hypothesis.id}: mart or column not found: {error}"
        ) from error
    except duckdb.Error as error:
        raise HypothesisError(f"hypothesis {hypothesis.id}: query failed: {error}") from error


def _two_groups(
    connection: duckdb.DuckDBPyConnection, hypothesis: Hypothesis, sql: str
) -> pd.DataFrame:
    groups = _query(connection, hypothesis, sql)
    if groups["rows_in_both"].sum() > 0:
        raise HypothesisError(
            f"hypothesis {hypothesis.id}: `groups` overlap; filters must be disjoint"
        )
    sizes = [int(groups.loc[groups["group_number"] == number, "n"].sum()) for number in (1, 2)]
    if min(sizes) < tests.MIN_GROUP_SIZE:
        raise NotTestable(
            "small_groups", minimum=tests.MIN_GROUP_SIZE, sizes=" / ".join(map(str, sizes))
        )
    return groups


def _moments(row: pd.Series) -> tests.GroupMoments:
    return tests.GroupMoments(
        n=int(row["n"]),
        mean=float(row["mean"]),
        variance=float(row["variance"]),
        skewness=float(row["skewness"]),
    )


def has_grouped_ranks(connection: duckdb.DuckDBPyConnection, hypothesis: Hypothesis) -> bool:
    """Whether the metric's ranks and medians come from per-value counts (see
    GROUPED_RANKS_TYPES) rather than from a sort of the pooled values."""
    metric_type = _query(connection, hypothesis, metric_type_sql(hypothesis))["metric_type"]
    return bool(len(metric_type)) and str(metric_type.iloc[0]) in GROUPED_RANKS_TYPES


def _rank_sums(row: pd.Series) -> tests.RankSums:
    return tests.RankSums(
        n1=int(row["n1"]),
        n2=int(row["n2"]),
        rank_sum_1=float(row["rank_sum_1"]),
        tie_term=float(row["tie_term"]),
    )


def evaluate_values(connection: duckdb.DuckDBPyConnection, hypothesis: Hypothesis) -> Result:
    grouped = has_grouped_ranks(connection, hypothesis)
    groups = _two_groups(connection, hypothesis, group_moments_sql(hypothesis, not grouped))
    first, second = _moments(groups.iloc[0]), _moments(groups.iloc[1])
    if first.variance == 0 and second.variance == 0:
        raise NotTestable("no_variation", metric=hypothesis.metric)
    if grouped:
        ranked = _query(connection, hypothesis, grouped_rank_sums_sql(hypothesis)).iloc[0]
        medians = (float(ranked["median_1"]), float(ranked["median_2"]))
    else:
        ranked = _query(connection, hypothesis, sorted_rank_sums_sql(hypothesis)).iloc[0]
        medians = (float(groups.iloc[0]["median"]), float(groups.iloc[1]["median"]))
    ranks = _rank_sums(ranked)
    welch = {alt: tests.welch_t_test(first, second, alt) for alt in tests.ALTERNATIVES}
    mann_whitney = {alt: tests.mann_whitney_u_test(ranks, alt) for alt in tests.ALTERNATIVES}
    primary, reason = choose_primary_test(first, second)
    chosen = welch if primary == "welch_t" else mann_whitney
    difference = tests.mean_difference(first, second)
    g = tests.hedges_g(first, second)
    r = tests.rank_biserial(ranks)
    observed = difference.estimate if primary == "welch_t" else r.estimate
    return {
        "n_1": first.n,
        "n_2": second.n,
        "mean_1": first.mean,
        "mean_2": second.mean,
        "median_1": medians[0],
        "median_2": medians[1],
        "primary_test": primary,
        "primary_test_reason": reason,
        "statistic": chosen[hypothesis.alternative].statistic,
        "p_value": chosen[hypothesis.alternative].p_value,
        "p_value_opposite": chosen[OPPOSITE[hypothesis.alternative]].p_value,
        "observed_sign": observed,
        "welch_t": welch[hypothesis.alternative].statistic,
        "welch_p": welch[hypothesis.alternative].p_value,
        "mann_whitney_u": mann_whitney[hypothesis.alternative].statistic,
        "mann_whitney_p": mann_whitney[hypothesis.alternative].p_value,
        "mean_difference": difference.estimate,
        "mean_difference_lower": difference.lower,
        "mean_difference_upper": difference.upper,
        "hedges_g": g.estimate,
        "hedges_g_lower": g.lower,
        "hedges_g_upper": g.upper,
        "rank_biserial": r.estimate,
        "rank_biserial_lower": r.lower,
        "rank_biserial_upper": r.upper,
    }


def evaluate_rates(connection: duckdb.DuckDBPyConnection, hypothesis: Hypothesis) -> Result:
    groups = _two_groups(connection, hypothesis, group_sizes_sql(hypothesis))
    (n_1, k_1), (n_2, k_2) = (
        (int(row["n"]), int(row["successes"])) for _, row in groups.iterrows()
    )
    if k_1 + k_2 in (0, n_1 + n_2):
        raise NotTestable("all_alike", metric=hypothesis.metric, value=bool(k_1 + k_2))
    z = {alt: tests.two_proportion_z_test(k_1, n_1, k_2, n_2, alt) for alt in tests.ALTERNATIVES}
    difference = tests.risk_difference(k_1, n_1, k_2, n_2)
    ratio = tests.risk_ratio(k_1, n_1, k_2, n_2)
    return {
        "n_1": n_1,
        "n_2": n_2,
        "rate_1": k_1 / n_1,
        "rate_2": k_2 / n_2,
        "primary_test": "two_proportion_z",
        "primary_test_reason": "two-proportion z test (pooled): a yes/no metric in two groups",
        "statistic": z[hypothesis.alternative].statistic,
        "p_value": z[hypothesis.alternative].p_value,
        "p_value_opposite": z[OPPOSITE[hypothesis.alternative]].p_value,
        "observed_sign": difference.estimate,
        "risk_difference": difference.estimate,
        "risk_difference_lower": difference.lower,
        "risk_difference_upper": difference.upper,
        "risk_ratio": ratio.estimate,
        "risk_ratio_lower": ratio.lower,
        "risk_ratio_upper": ratio.upper,
    }


def evaluate_levels(connection: duckdb.DuckDBPyConnection, hypothesis: Hypothesis) -> Result:
    levels = _query(connection, hypothesis, level_counts_sql(hypothesis))
    if len(levels) < 2:
        raise NotTestable(
            "one_level", by=hypothesis.by, levels=", ".join(map(str, levels["level"])) or "—"
        )
    if levels["successes"].sum() in (0, levels["n"].sum()):
        raise NotTestable(
            "all_alike", metric=hypothesis.metric, value=bool(levels["successes"].sum())
        )
    table = [[int(k), int(n - k)] for n, k in zip(levels["n"], levels["successes"], strict=True)]
    chi_square = tests.chi_square_test(table)
    return {
        "n_1": int(levels["n"].sum()),
        "primary_test": "chi_square",
        "primary_test_reason": "Pearson's chi-square: a yes/no metric across several levels",
        "statistic": chi_square.statistic,
        "p_value": chi_square.p_value,
        "p_value_opposite": chi_square.p_value,
        "observed_sign": 0.0,
        "cramers_v": tests.cramers_v(table),
        "level_shares": [
            (str(level), k / n)
            for level, n, k in zip(levels["level"], levels["n"], levels["successes"], strict=True)
        ],
    }


EVALUATORS = {
    "compare_values": evaluate_values,
    "compare_rates": evaluate_rates,
    "rates_across_levels": evaluate_levels,
}


VERDICT_SENTENCES: dict[str, dict[Language, str]] = {
    "supported": {
        "ru": "Данные подтверждают гипотезу.",
        "en": "The data support the hypothesis.",
    },
    "contradicted": {
        "ru": "Данные противоречат гипотезе: различие направлено в обратную сторону "
        "(односторонний {p}).",
        "en": "The data contradict the hypothesis: the difference runs the other way "
        "(one-sided {p} in that direction).",
    },
    "not supported": {
        "ru": "Ожидаемого различия в данных нет.",
        "en": "The data do not show the expected difference.",
    },
    "difference found": {
        "ru": "Различие статистически значимо.",
        "en": "The difference is statistically significant.",
    },
    "no difference found": {
        "ru": "Статистически значимое различие не выявлено.",
        "en": "No statistically significant difference.",
    },
    "not testable": {
        "ru": "Гипотезу на этих данных не проверить: {reason}.",
        "en": "The hypothesis cannot be tested on these data: {reason}.",
    },
}
CONCLUSION_WORDS: dict[str, dict[Language, str]] = {
    "median": {"ru": "медиана", "en": "median"},
    "mean": {"ru": "среднее", "en": "mean"},
    "holm": {"ru": "с поправкой Холма", "en": "Holm-adjusted"},
}


def group_label(group: Group, language: Language) -> str:
    return (group.label_ru or group.label) if language == "ru" else group.label


def conclude(hypothesis: Hypothesis, result: Result, language: Language) -> str:
    """One plain sentence: the figures of each group, the test, and what the data say."""
    if result["verdict"] == "not testable":
        reason_key = "not_testable_reason_ru" if language == "ru" else "not_testable_reason"
        return VERDICT_SENTENCES["not testable"][language].format(reason=result[reason_key])
    words = {key: value[language] for key, value in CONCLUSION_WORDS.items()}
    verdict_text = VERDICT_SENTENCES[result["verdict"]][language].format(
        p=p_phrase(result["p_value_opposite"], language)
    )
    test = translate(TEST_NAMES, result["primary_test"], language)
    p_text = f"{test}: {p_phrase(result['p_value_holm'], language)} ({words['holm']})"
    if hypothesis.kind == "rates_across_levels":
        shares = ", ".join(
            f"{level} {format_percent(share, language)}" for level, share in result["level_shares"]
        )
        by = translate(FEATURE_NAMES, hypothesis.by or "", language)
        return f"{by}: {shares}; {p_text}. {verdict_text}"
    unit = metric_unit(hypothesis.metric, language)
    suffix = f" {unit}" if unit else ""
    figures = []
    for number, group in enumerate(hypothesis.groups, start=1):
        if hypothesis.kind == "compare_rates":
            text = format_percent(result[f"rate_{number}"], language)
        else:
            text = (
                f"{words['median']} {format_number(result[f'median_{number}'], language)}{suffix}, "
                f"{words['mean']} {format_number(result[f'mean_{number}'], language)}{suffix}"
            )
        figures.append(f"{group_label(group, language)}: {text}")
    return f"{'; '.join(figures)}; {p_text}. {verdict_text}"


def run_hypotheses(
    connection: duckdb.DuckDBPyConnection, hypotheses: list[Hypothesis]
) -> list[Result]:
    """Evaluate the family, adjust with Holm over the hypotheses the data can test, and state
    each conclusion; a hypothesis the data cannot test says why instead."""
    results: list[Result] = []
    for hypothesis in hypotheses:
        try:
            results.append(EVALUATORS[hypothesis.kind](connection, hypothesis))
        except NotTestable as untestable:
            results.append(
                {
                    "verdict": "not testable",
                    "not_testable_reason": untestable.text("en"),
                    "not_testable_reason_ru": untestable.text("ru"),
                }
            )
    tested = [result for result in results if "p_value" in result]
    adjusted = iter(tests.holm_adjust([result["p_value"] for result in tested]))
    family = len(tested)
    rows = []
    for hypothesis, result in zip(hypotheses, results, strict=True):
        if "p_value" in result:
            p_holm = next(adjusted)
            rejected = p_holm < hypothesis.alpha
            # the opposite direction is checked with Bonferroni: a stricter bar for a claim the
            # hypothesis did not make
            opposite_rejected = min(1.0, family * result["p_value_opposite"]) < hypothesis.alpha
            result |= {
                "p_value_holm": p_holm,
                "is_rejected": rejected,
                "verdict": verdict(hypothesis.alternative, rejected, opposite_rejected),
            }
        rows.append(
            {
                "hypothesis_id": hypothesis.id,
                "question": hypothesis.question,
                "question_ru": hypothesis.question_ru or hypothesis.question,
                "kind": hypothesis.kind,
                "mart": hypothesis.mart,
                "metric": hypothesis.metric,
                "population": hypothesis.where or "all rows",
                "group_1": hypothesis.groups[0].label if hypothesis.groups else None,
                "group_2": hypothesis.groups[1].label if hypothesis.groups else None,
                "group_1_ru": group_label(hypothesis.groups[0], "ru")
                if hypothesis.groups
                else None,
                "group_2_ru": group_label(hypothesis.groups[1], "ru")
                if hypothesis.groups
                else None,
                "by_column": hypothesis.by,
                "alternative": hypothesis.alternative,
                "alpha": hypothesis.alpha,
                **result,
                "level_rates": ", ".join(
                    f"{level} {share:.1%}" for level, share in result.get("level_shares", [])
                )
                or None,
                "conclusion": conclude(hypothesis, result, "en"),
                "conclusion_ru": conclude(hypothesis, result, "ru"),
            }
        )
    return rows


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Test the registered hypotheses on the warehouse and write the results."
    )
    add_database_argument(parser)
    parser.add_argument("--registry", type=Path, default=DEFAULT_REGISTRY, help="hypotheses YAML")
    parser.add_argument("--alpha", type=float, help="significance level for every hypothesis")
    parser.add_argument("--only", nargs="+", metavar="ID", help="run only these hypothesis ids")
    parser.add_argument(
        "--reports-dir", type=Path, default=PROJECT_DIR / "reports", help="where reports go"
    )
    return parser.parse_args(argv)


def select_hypotheses(
    hypotheses: list[Hypothesis], only: list[str] | None, alpha: float | None
) -> list[Hypothesis]:
    if only:
        unknown = sorted(set(only) - {hypothesis.id for hypothesis in hypotheses})
        if unknown:
            raise RegistryError(f"no hypothesis with id {', '.join(unknown)} in the registry")
        hypotheses = [hypothesis for hypothesis in hypotheses if hypothesis.id in only]
    if alpha is not None:
        if not 0 < alpha < 1:
            raise RegistryError("--alpha must be between 0 and 1")
        hypotheses = [replace(hypothesis, alpha=alpha) for hypothesis in hypotheses]
    return hypotheses


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    try:
        hypotheses = select_hypotheses(
            load_registry(arguments.registry), arguments.only, arguments.alpha
        )
        if not arguments.database.is_file():
            raise HypothesisError(f"warehouse {arguments.database} does not exist; run dbt build")
        with duckdb.connect(str(arguments.database)) as connection:
            frame = results_frame(run_hypotheses(connection, hypotheses))
            write_results(connection, frame)
    except (RegistryError, HypothesisError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    write_reports(frame, arguments.reports_dir)
    for row in frame.itertuples():
        evidence = (
            f"p = {row.p_value_holm:.3g}"
            if row.verdict != "not testable"
            else row.not_testable_reason
        )
        print(f"{row.hypothesis_id}: {row.verdict} ({evidence}) {row.question}")
    print(f"Results: {RESULTS_TABLE} in {arguments.database}; reports in {arguments.reports_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
