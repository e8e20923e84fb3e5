"""Helpers for tests that build the dbt project into a scratch folder."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd

from scripts.warehouse import Warehouse, run_dbt

REAL_FILE = os.environ.get("BANK_REAL_CUSTOMERS_CSV", "")


def build(customers_csv: Path, workdir: Path) -> tuple[Warehouse, str]:
    warehouse = Warehouse(customers_csv=customers_csv, duckdb_path=workdir / "bank.duckdb")
    result = run_dbt(["build"], warehouse, artifacts_dir=workdir, capture_output=True)
    return warehouse, result.stdout if result.returncode == 0 else f"FAILED\n{result.stdout}"


def built(customers_csv: Path, workdir: Path) -> Warehouse:
    warehouse, output = build(customers_csv, workdir)
    assert not output.startswith("FAILED"), output[-4000:]
    return warehouse


def query(warehouse: Warehouse, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(warehouse.duckdb_path), read_only=True) as connection:
        return connection.execute(sql).df()


def reported_counts(warehouse: Warehouse) -> dict[str, int]:
    frame = query(warehouse, "select metric_id, row_count from rpt_data_quality")
    return dict(zip(frame["metric_id"], frame["row_count"].astype(int), strict=True))
