"""The main job: build the warehouse, test the hypotheses, write the report, publish for Tableau,
generate the docs site, and say what was built and where.

Usage: python -m scripts.pipeline [--customers-csv PATH] [--duckdb-path PATH] [--serving-dir DIR]
                                  [--reports-dir DIR] [--language ru|en] [--dbt-artifacts-dir DIR]
"""

from __future__ import annotations

import argparse
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb

from scripts import analysis_report, hypotheses
from scripts.build_summary import format_summary, read_build_summary
from scripts.file_lock import LockBusyError, exclusive_lock
from scripts.localisation import LANGUAGES, Language
from scripts.publish import PublishError, Release, publish, serving_dir_for
from scripts.report.figures import ReportDataError
from scripts.warehouse import PROJECT_DIR, InProcessDbt, Warehouse, resolve_warehouse

# EX_TEMPFAIL: the warehouse is busy; running again later will work.
BUSY_EXIT_CODE = 75


@dataclass(frozen=True)
class Options:
    warehouse: Warehouse
    serving_dir: Path
    reports_dir: Path
    language: Language
    dbt_artifacts_dir: Path | None
    dbt_vars: str | None = None

    @property
    def dbt_var_arguments(self) -> list[str]:
        return ["--vars", self.dbt_vars] if self.dbt_vars else []


def parse_arguments(argv: list[str] | None, defaults: Warehouse) -> Options:
    parser = argparse.ArgumentParser(
        description=(
            "Build the bank churn warehouse (dbt build), test the hypotheses, write the report, "
            "publish the marts for Tableau and generate the docs site."
        )
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
    parser.add_argument(
        "--serving-dir",
        type=Path,
        help="where Tableau's copies go (default: a serving folder beside the warehouse)",
    )
    parser.add_argument(
        "--reports-dir", type=Path, default=PROJECT_DIR / "reports", help="where reports go"
    )
    parser.add_argument(
        "--language", choices=LANGUAGES, default="ru", help="language of the report (default ru)"
    )
    parser.add_argument(
        "--dbt-artifacts-dir",
        type=Path,
        help="where dbt writes target/ and logs/ (default: the project's own)",
    )
    parser.add_argument(
        "--vars",
        dest="dbt_vars",
        metavar="YAML",
        help="dbt vars for the build, e.g. the dialect of an Excel export: "
        '\'{customers_csv_encoding: cp1251, customers_csv_delimiter: ";", '
        'customers_csv_decimal_separator: ","}\'',
    )
    arguments = parser.parse_args(argv)
    warehouse = replace(
        defaults,
        customers_csv=arguments.customers_csv.resolve(),
        duckdb_path=arguments.duckdb_path.resolve(),
    )
    return Options(
        warehouse=warehouse,
        serving_dir=(arguments.serving_dir or serving_dir_for(warehouse.duckdb_path)).resolve(),
        reports_dir=arguments.reports_dir.resolve(),
        language=arguments.language,
        dbt_artifacts_dir=arguments.dbt_artifacts_dir.resolve()
        if arguments.dbt_artifacts_dir
        else None,
        dbt_vars=arguments.dbt_vars,
    )


def format_deliverables(
    options: Options, report: analysis_report.ReportFiles, release: Release, docs_site: Path
) -> str:
    """Where each thing the run built lies, for the terminal."""
    return "\n".join(
        [
            "Built:",
            f"  warehouse (dbt):        {options.warehouse.duckdb_path}",
            f"  hypothesis results:     rpt_hypothesis_results; "
            f"{options.reports_dir / 'hypotheses.md'}",
            f"  report:                 {report.html}",
            f"  report (Markdown):      {report.markdown}",
            f"  serving file (Tableau): {release.serving_file}  (release {release.release_id})",
            f"  Hyper extracts:         {release.hyper_dir}",
            f"  Parquet files:          {release.parquet_dir}",
            f"  docs site:              {docs_site}",
        ]
    )


def build_lock_path(duckdb_path: Path) -> Path:
    """The lock one run of the main job holds on a warehouse, beside the warehouse file."""
    return duckdb_path.with_name(f"{duckdb_path.name}.build.lock")


def main(argv: list[str] | None = None) -> int:
    options = parse_arguments(argv, resolve_warehouse(os.environ, Path.cwd()))
    lock_path = build_lock_path(options.warehouse.duckdb_path)
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # a second run on the same warehouse refuses at once rather than queue behind a long
        # build; DuckDB's own file lock would stop it later, mid-build, with a vaguer message
        with exclusive_lock(lock_path, timeout_seconds=0):
            return run(options)
    except LockBusyError:
        print(
            f"error: another build of {options.warehouse.duckdb_path} is running "
            f"(it holds {lock_path}); run again when it has finished",
            file=sys.stderr,
        )
        return BUSY_EXIT_CODE


def run(options: Options) -> int:
    """Every step of the main job, in order; the first that fails ends it with its exit code."""
    warehouse = options.warehouse
    dbt = InProcessDbt(warehouse, artifacts_dir=options.dbt_artifacts_dir)
    # Unit tests check the models' logic on fixtures, not this snapshot: `make test` runs them,
    # the main job builds and tests the data.
    build = dbt.invoke(
        ["build", "--exclude-resource-type", "unit_test", *options.dbt_var_arguments]
    )
    if build != 0:
        print(f"dbt build failed (exit {build}); see the messages above.")
        return build
    tested = hypotheses.main(
        ["--database", str(warehouse.duckdb_path), "--reports-dir", str(options.reports_dir)]
    )
    if tested != 0:
        return tested
    try:
        # Both only read the warehouse. The publication waits mostly on DuckDB and Hyper, which
        # release the interpreter, and the report mostly draws charts: side by side they take
        # about the time of the longer.
        with ThreadPoolExecutor(max_workers=1) as background:
            publication = background.submit(publish, warehouse.duckdb_path, options.serving_dir)
            report = analysis_report.generate_report(
                warehouse.duckdb_path, options.reports_dir, options.language
            )
            release = publication.result()
    except (ReportDataError, PublishError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    # the build has just compiled every node into the manifest the docs read
    docs = dbt.invoke(["docs", "generate", "--static", "--no-compile", *options.dbt_var_arguments])
    if docs != 0:
        print(f"dbt docs generate failed (exit {docs}); see the messages above.")
        return docs
    target = (options.dbt_artifacts_dir or PROJECT_DIR) / "target"
    with duckdb.connect(str(warehouse.duckdb_path), read_only=True) as connection:
        summary = read_build_summary(connection)
    print()
    print(format_summary(summary, warehouse))
    print(format_deliverables(options, report, release, target / "static_index.html"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
