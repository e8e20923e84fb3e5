"""Where the warehouse reads from and writes to, and how dbt is run against it."""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


@contextlib.contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    """os.environ set to `values` for the block, then restored: dbt's env_var() reads it."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


class InProcessDbt:
    """dbt run inside this process, parsed once: every command after the first reuses the
    manifest, which saves starting Python, importing dbt and parsing the project again (the
    main job's build, then its docs)."""

    def __init__(self, warehouse: Warehouse, *, artifacts_dir: Path | None = None) -> None:
        self.warehouse = warehouse
        self.artifacts_dir = artifacts_dir
        self._manifest: Any = None

    def invoke(self, arguments: Sequence[str]) -> int:
        """The exit code the dbt command line would give: 0 done, 1 a node failed, 2 an error."""
        # imported here: dbt takes over a second to import and only the main job runs it inside
        from dbt.cli.main import dbtRunner

        self.warehouse.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
        sys.stdout.flush()
        with _environment(dbt_environment(self.warehouse, os.environ)):
            if self._manifest is None:
                # the project's vars shape the parse, so it takes the command's own options
                parsed = dbtRunner().invoke(
                    dbt_command(["parse", *_vars_options(arguments)], self.artifacts_dir)[1:]
                )
                _release_duckdb()
                if not parsed.success:
                    return 2 if parsed.exception is not None else 1
                self._manifest = parsed.result
            result = dbtRunner(manifest=self._manifest).invoke(
                dbt_command(arguments, self.artifacts_dir)[1:]
            )
        _release_duckdb()
        if result.success:
            return 0
        return 2 if result.exception is not None else 1


def _vars_options(arguments: Sequence[str]) -> list[str]:
    """The `--vars VALUE` pair among a command's arguments, if any."""
    if "--vars" not in arguments:
        return []
    position = list(arguments).index("--vars")
    return list(arguments[position : position + 2])


def _release_duckdb() -> None:
    """Close the database dbt-duckdb keeps open until the process exits: while it is open, this
    process can open the warehouse only as dbt did, not read-only as the report and publish do."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    DuckDBConnectionManager.close_all_connections()  # type: ignore[no-untyped-call]
