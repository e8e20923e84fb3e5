"""The hypothesis results as the warehouse table Tableau reads and as Markdown and JSON reports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from scripts.hypothesis_stats import MIN_GROUP_SIZE
from scripts.localisation import MISSING, format_p_value

RESULTS_TABLE = "rpt_hypothesis_results"

RESULT_COLUMNS = [
    "hypothesis_id",
    "question",
    "question_ru",
    "kind",
    "mart",
    "metric",
    "population",
    "group_1",
    "group_2",
    "group_1_ru",
    "group_2_ru",
    "by_column",
    "alternative",
    "alpha",
    "n_1",
    "n_2",
    "primary_test",
    "primary_test_reason",
    "statistic",
    "p_value",
    "p_value_opposite",
    "p_value_holm",
    "is_rejected",
    "verdict",
    "not_testable_reason",
    "conclusion",
    "conclusion_ru",
    "mean_1",
    "mean_2",
    "median_1",
    "median_2",
    "rate_1",
    "rate_2",
    "welch_t",
    "welch_p",
    "mann_whitney_u",
    "mann_whitney_p",
    "mean_difference",
    "mean_difference_lower",
    "mean_difference_upper",
    "hedges_g",
    "hedges_g_lower",
    "hedges_g_upper",
    "rank_biserial",
    "rank_biserial_lower",
    "rank_biserial_upper",
    "risk_difference",
    "risk_difference_lower",
    "risk_difference_upper",
    "risk_ratio",
    "risk_ratio_lower",
    "risk_ratio_upper",
    "cramers_v",
    "level_rates",
]


def results_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The results as the table Tableau reads: one row per hypothesis, fixed columns."""
    frame = pd.DataFrame(rows).reindex(columns=RESULT_COLUMNS)
    text = [
        "group_1",
        "group_2",
        "group_1_ru",
        "group_2_ru",
        "by_column",
        "not_testable_reason",
        "level_rates",
    ]
    frame[text] = frame[text].astype("string")
    # a hypothesis the data cannot test has no p-value and so no rejection: NULL, not False
    frame["is_rejected"] = frame["is_rejected"].astype("boolean")
    return frame


def write_results(connection: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> None:
    connection.register("hypothesis_results_frame", frame)
    connection.execute(
        f"create or replace table {RESULTS_TABLE} as select * from hypothesis_results_frame"
    )
    connection.unregister("hypothesis_results_frame")


def markdown_report(frame: pd.DataFrame) -> str:
    lines = [
        "# Hypothesis tests",
        "",
        "Each hypothesis from `scripts/hypotheses.yml`, tested on the warehouse's marts. p-values",
        "are Holm-adjusted across the family; the verdict states the direction the data show.",
        "",
        "| id | question | test | p (Holm) | verdict |",
        "|---|---|---|---|---|",
    ]
    for row in frame.itertuples():
        lines.append(
            f"| {row.hypothesis_id} | {row.question} | {_or_dash(row.primary_test)} "
            f"| {format_p_value(row.p_value_holm, 'en')} | {row.verdict} |"
        )
    lines += ["", "## Conclusions", ""]
    lines += [f"- **{row.hypothesis_id}**: {row.conclusion}" for row in frame.itertuples()]
    lines += [
        "",
        "## Method",
        "",
        "- Numeric metrics: Welch's t compares the means (no equal-variance assumption); "
        "Mann-Whitney U (tie- and continuity-corrected) compares the distributions by rank. "
        "Welch's t is primary when both groups have 30+ values and skewness within +/-1; "
        "otherwise Mann-Whitney U, since heavy tails make a mean describe a few customers.",
        "- Effect sizes: difference of means with a Welch 95% interval, Hedges' g, and the "
        "rank-biserial correlation (approximate interval); for rates, the risk difference "
        "(Wald) and risk ratio (log scale), or Cramer's V across several levels.",
        "- A one-sided hypothesis the data run against is reported as contradicted when the "
        "opposite one-sided test is significant after a Bonferroni adjustment.",
        f"- A hypothesis the data cannot test (a group of fewer than {MIN_GROUP_SIZE} customers, "
        "a metric that does not vary, fewer than two levels) is reported as not testable, with "
        "the reason, and left out of the Holm family.",
        "",
    ]
    return "\n".join(lines)


def _or_dash(value: object) -> str:
    return MISSING if pd.isna(value) else str(value)


def write_reports(frame: pd.DataFrame, reports_dir: Path) -> None:
    reports_dir.mkdir(parents=True, exist_ok=True)
    (reports_dir / "hypotheses.md").write_text(markdown_report(frame), encoding="utf-8")
    records = json.loads(frame.to_json(orient="records"))
    (reports_dir / "hypotheses.json").write_text(
        json.dumps(records, ensure_ascii=False, indent=2), encoding="utf-8"
    )
