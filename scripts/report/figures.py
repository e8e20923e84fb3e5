"""Everything the report shows, read from the warehouse's marts in one place.

The report types no number in: each one it prints comes from a frame read here.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

REQUIRED_TABLES = (
    "rpt_data_quality",
    "dim_customers",
    "rpt_product_segments",
    "rpt_segment_churn_profiles",
    "rpt_churn_portrait",
    "rpt_churn_intervals",
    "rpt_churn_segments",
    "rpt_retention_recommendations",
    "rpt_churn_risk_lift",
    "rpt_hypothesis_results",
)


class ReportDataError(RuntimeError):
    """The warehouse lacks a table the report needs; the message says which and what to run."""


@dataclass(frozen=True)
class BankTotals:
    customers: int
    churned_customers: int
    churn_rate: float


@dataclass(frozen=True)
class MissingBalance:
    customers: int
    share_of_customers: float
    churn_rate_without_balance: float
    churn_rate_with_balance: float
    mean_equity_without_balance: float
    mean_equity_with_balance: float


@dataclass(frozen=True)
class ReportFigures:
    bank: BankTotals
    rows: dict[str, int]
    reasons: pd.DataFrame
    missing_balance: MissingBalance
    segments: pd.DataFrame
    profiles: pd.DataFrame
    portrait: pd.DataFrame
    intervals: pd.DataFrame
    strategic_segments: pd.DataFrame
    recommendations: pd.DataFrame
    risk_lift: pd.DataFrame
    hypotheses: pd.DataFrame


# Columns the report reads from the hypothesis script's table; an older script did not write them.
HYPOTHESIS_COLUMNS = ("question_ru", "conclusion_ru", "group_1_ru", "group_2_ru")


def _frame(connection: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    return connection.execute(sql).df()


def _lacking(
    connection: duckdb.DuckDBPyConnection, names_sql: str, required: tuple[str, ...]
) -> list[str]:
    """The required names the catalogue query does not return."""
    present = {name for (name,) in connection.execute(names_sql).fetchall()}
    return [name for name in required if name not in present]


def check_tables(connection: duckdb.DuckDBPyConnection) -> None:
    missing = _lacking(
        connection,
        "select table_name from information_schema.tables where table_schema = 'main'",
        REQUIRED_TABLES,
    )
    if missing:
        raise ReportDataError(
            f"the warehouse lacks {', '.join(missing)}; run `dbt build` and "
            "`python -m scripts.hypotheses` first"
        )
    lacking = _lacking(
        connection,
        "select column_name from information_schema.columns "
        "where table_schema = 'main' and table_name = 'rpt_hypothesis_results'",
        HYPOTHESIS_COLUMNS,
    )
    if lacking:
        raise ReportDataError(
            f"rpt_hypothesis_results lacks {', '.join(lacking)}; "
            "run `python -m scripts.hypotheses` again"
        )


def read_report_figures(connection: duckdb.DuckDBPyConnection) -> ReportFigures:
    check_tables(connection)
    rows = dict(
        connection.execute(
            "select metric_id, row_count from rpt_data_quality where metric_group = 'rows'"
        ).fetchall()
    )
    portrait = _frame(connection, "select * from rpt_churn_portrait order by feature, level_order")
    return ReportFigures(
        bank=_bank_totals(connection),
        rows={name: int(count) for name, count in rows.items()},
        reasons=_frame(
            connection,
            "select reason_code, is_blocking, row_count, share_of_rows_read, description "
            "from rpt_data_quality where metric_group = 'reason' and row_count > 0 "
            "order by metric_order",
        ),
        missing_balance=_missing_balance(connection),
        segments=_frame(
            connection, "select * from rpt_product_segments order by product_segment_order"
        ),
        profiles=_frame(
            connection,
            "select * from rpt_segment_churn_profiles where product_segment = 'all' "
            "order by measure_order",
        ),
        portrait=portrait,
        intervals=_frame(
            connection, "select * from rpt_churn_intervals order by feature, interval_number"
        ),
        strategic_segments=_frame(
            connection,
            "select * from rpt_churn_segments where is_top_pick order by top_pick_number",
        ),
        recommendations=_frame(
            connection, "select * from rpt_retention_recommendations order by recommendation_rank"
        ),
        risk_lift=_frame(connection, "select * from rpt_churn_risk_lift order by risk_decile"),
        hypotheses=_frame(
            connection, "select * from rpt_hypothesis_results order by hypothesis_id"
        ),
    )


def _bank_totals(connection: duckdb.DuckDBPyConnection) -> BankTotals:
    row = connection.execute(
        "select count(*), count(*) filter (where is_churned) from dim_customers"
    ).fetchone()
    customers, churned = (int(row[0]), int(row[1])) if row else (0, 0)
    return BankTotals(
        customers=customers,
        churned_customers=churned,
        churn_rate=churned / customers if customers else float("nan"),
    )


def _missing_balance(connection: duckdb.DuckDBPyConnection) -> MissingBalance:
    row = connection.execute(
        """
        select
            count(*) filter (where not has_balance),
            avg(case when has_balance then 0.0 else 1.0 end),
            avg(case when is_churned then 1.0 else 0.0 end) filter (where not has_balance),
            avg(case when is_churned then 1.0 else 0.0 end) filter (where has_balance),
            avg(equity) filter (where not has_balance),
            avg(equity) filter (where has_balance)
        from dim_customers
        """
    ).fetchone()
    assert row is not None
    return MissingBalance(
        customers=int(row[0]),
        share_of_customers=_float(row[1]),
        churn_rate_without_balance=_float(row[2]),
        churn_rate_with_balance=_float(row[3]),
        mean_equity_without_balance=_float(row[4]),
        mean_equity_with_balance=_float(row[5]),
    )


def _float(value: float | None) -> float:
    # an aggregate over no rows is NULL; the report prints it as a dash
    return float(value) if value is not None else float("nan")
