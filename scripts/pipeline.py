"""The main job: build the warehouse with dbt, test the hypotheses, say what was built and where.

Usage: python -m scripts.pipeline [--customers-csv PATH] [--duckdb-path PATH]
"""

from __future__ import annotations

import argparse
import os
from dataclasses import replace
from pathlib import Path

import duckdb

from scripts import hypotheses
from scripts.build_summary import format_summary, read_build_summary
from scripts.warehouse import Warehouse, resolve_warehouse, run_dbt


def parse_arguments(argv: list[str] | None, defaults: Warehouse) -> Warehouse:
    parser = argparse.ArgumentParser(
        description="Build the bank churn warehouse (dbt build) and print a summary."
    )
    parser.add_argument(
        "--customers-csv",
        type=Path,
        default=defaults.customers_csv,
        help="customer snapshot to read (default: $BANK_CUSTOMERS_CSV or the bundled sample)",
    )
    parser.add_argument(
        "--duckdb-path",
        type=Path,
        default=defaults.duckdb_path,
        help="warehouse file to write (default: $BANK_DUCKDB_PATH or warehouse/bank.duckdb)",
    )
    arguments = parser.parse_args(argv)
    return replace(
        defaults,
        customers_csv=arguments.customers_csv.resolve(),
        duckdb_path=arguments.duckdb_path.resolve(),
    )


def main(argv: list[str] | None = None) -> int:
    warehouse = parse_arguments(argv, resolve_warehouse(os.environ, Path.cwd()))
    build = run_dbt(["build"], warehouse)
    if build.returncode != 0:
        print(f"dbt build failed (exit {build.returncode}); see the messages above.")
        return build.returncode
    tested = hypotheses.main(["--database", str(warehouse.duckdb_path)])
    if tested != 0:
        return tested
    with duckdb.connect(str(warehouse.duckdb_path), read_only=True) as connection:
        summary = read_build_summary(connection)
    print()
    print(format_summary(summary, warehouse))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
