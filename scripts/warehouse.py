"""Where the warehouse reads from and writes to, and how dbt is run against it."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_CUSTOMERS_CSV = PROJECT_DIR / "data" / "sample" / "bank_customers_sample.csv"
DEFAULT_DUCKDB_PATH = PROJECT_DIR / "warehouse" / "bank.duckdb"
CUSTOMERS_CSV_VARIABLE = "BANK_CUSTOMERS_CSV"
DUCKDB_PATH_VARIABLE = "BANK_DUCKDB_PATH"


@dataclass(frozen=True)
class Warehouse:
    """The customer file a build reads and the DuckDB file it writes."""

    customers_csv: Path
    duckdb_path: Path


def resolve_warehouse(environ: Mapping[str, str], cwd: Path) -> Warehouse:
    """The paths from the environment, else the defaults; relative paths are the caller's."""
    customers_csv = Path(environ.get(CUSTOMERS_CSV_VARIABLE) or DEFAULT_CUSTOMERS_CSV)
    duckdb_path = Path(environ.get(DUCKDB_PATH_VARIABLE) or DEFAULT_DUCKDB_PATH)
    # dbt runs from the project folder, so a path relative to where the user stands must be
    # made absolute before it crosses over.
    return Warehouse(
        customers_csv=customers_csv if customers_csv.is_absolute() else cwd / customers_csv,
        duckdb_path=duckdb_path if duckdb_path.is_absolute() else cwd / duckdb_path,
    )


def add_database_argument(parser: argparse.ArgumentParser) -> None:
    """The `--database` option every script that reads the warehouse takes, with one default."""
    parser.add_argument(
        "--database",
        type=Path,
        default=resolve_warehouse(os.environ, Path.cwd()).duckdb_path,
        help="warehouse file (default: $BANK_DUCKDB_PATH or warehouse/bank.duckdb)",
    )


def dbt_environment(warehouse: Warehouse, environ: Mapping[str, str]) -> dict[str, str]:
    """The environment dbt runs in: the caller's, pointed at this warehouse, with as many dbt
    threads as the machine has cores unless the caller chose (DBT_THREADS)."""
    return {
        "DBT_THREADS": str(os.cpu_count() or 1),
        **environ,
        CUSTOMERS_CSV_VARIABLE: str(warehouse.customers_csv),
        DUCKDB_PATH_VARIABLE: str(warehouse.duckdb_path),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
    }


def dbt_command(arguments: Sequence[str], artifacts_dir: Path | None = None) -> list[str]:
    """The dbt command line for this project, with the dbt installed beside this Python."""
    command = [
        str(Path(sys.executable).parent / "dbt"),
        *arguments,
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(PROJECT_DIR),
    ]
    if artifacts_dir is not None:
        command += [
            "--target-path",
            str(artifacts_dir / "target"),
            "--log-path",
            str(artifacts_dir / "logs"),
        ]
    return command


def run_dbt(
    arguments: Sequence[str],
    warehouse: Warehouse,
    *,
    artifacts_dir: Path | None = None,
    capture_output: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run dbt against the warehouse; the caller decides what a non-zero exit means."""
    warehouse.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    # what this process printed so far must reach a piped log before dbt's own lines
    sys.stdout.flush()
    return subprocess.run(
        dbt_command(arguments, artifacts_dir),
        cwd=PROJECT_DIR,
        env=dbt_environment(warehouse, os.environ),
        capture_output=capture_output,
        text=True,
        check=False,
    )
