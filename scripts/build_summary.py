"""The short account of a build: what was read, kept and quarantined, and which tables exist."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from scripts.warehouse import Warehouse

MART_PREFIXES = ("dim_", "fct_", "rpt_")


@dataclass(frozen=True)
class ReasonCount:
    reason_code: str
    is_blocking: bool
    rows: int


@dataclass(frozen=True)
class BuildSummary:
    rows_read: int
    rows_kept: int
    rows_rejected: int
    reasons: tuple[ReasonCount, ...]
    mart_rows: tuple[tuple[str, int], ...]


def read_build_summary(connection: duckdb.DuckDBPyConnection) -> BuildSummary:
    """Read the figures of the last build from rpt_data_quality and the mart tables."""
    volumes = dict(
        connection.execute(
            "select metric_id, row_count from rpt_data_quality where metric_group = 'rows'"
        ).fetchall()
    )
    reasons = tuple(
        ReasonCount(reason_code=code, is_blocking=blocking, rows=rows)
        for code, blocking, rows in connection.execute(
            "select reason_code, is_blocking, row_count from rpt_data_quality "
            "where metric_group = 'reason' and row_count > 0 order by metric_order"
        ).fetchall()
    )
    mart_names = [
        name
        for (name,) in connection.execute(
            "select table_name from information_schema.tables "
            "where table_type = 'BASE TABLE' order by table_name"
        ).fetchall()
        if name.startswith(MART_PREFIXES)
    ]
    mart_rows = tuple((name, _count_rows(connection, name)) for name in mart_names)
    return BuildSummary(
        rows_read=volumes["rows_read"],
        rows_kept=volumes["rows_kept"],
        rows_rejected=volumes["rows_rejected"],
        reasons=reasons,
        mart_rows=mart_rows,
    )


def _count_rows(connection: duckdb.DuckDBPyConnection, table_name: str) -> int:
    row = connection.execute(f'select count(*) from "{table_name}"').fetchone()
    return int(row[0]) if row else 0


def _verdict(reason: ReasonCount) -> str:
    return "reject" if reason.is_blocking else "flag  "


def format_summary(summary: BuildSummary, warehouse: Warehouse) -> str:
    """A few lines for the terminal: input, reconciliation, reasons, marts."""
    lines = [
        f"Customer file: {warehouse.customers_csv}",
        f"Warehouse:     {warehouse.duckdb_path}",
        (
            f"Rows read {summary.rows_read:,} = kept {summary.rows_kept:,}"
            f" + quarantined {summary.rows_rejected:,} (fct_rejected_rows)"
        ),
    ]
    if summary.reasons:
        lines.append("Reasons (rows):")
        lines += [
            f"  {_verdict(reason)}  {reason.reason_code}: {reason.rows:,}"
            for reason in summary.reasons
        ]
    lines.append("Marts (rows):")
    lines += [f"  {name}: {rows:,}" for name, rows in summary.mart_rows]
    return "\n".join(lines)
