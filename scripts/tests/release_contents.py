"""Reading a published release back with readers other than the DuckDB that wrote it."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow.parquet as pq
from tableauhyperapi import Date, Timestamp


def base_tables(database: Path) -> list[str]:
    """The tables (not views) of a DuckDB file's main schema, by name."""
    with duckdb.connect(str(database), read_only=True) as connection:
        return [
            name
            for (name,) in connection.execute(
                "select table_name from duckdb_tables() where schema_name = 'main' order by 1"
            ).fetchall()
        ]


def parquet_rows(path: Path) -> list[list[object]]:
    """A Parquet file's rows as pyarrow reads them."""
    return [list(row.values()) for row in pq.read_table(path).to_pylist()]


def hyper_value(value: object) -> object:
    """A value from the Hyper API as the Python type DuckDB returns (Hyper has its own dates)."""
    if isinstance(value, Date):
        return value.to_date()
    if isinstance(value, Timestamp):
        return value.to_datetime()
    return value
