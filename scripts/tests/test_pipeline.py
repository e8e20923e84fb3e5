"""The main command end to end: every deliverable built and named, with a Tableau reader holding
the serving file open the whole time."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest

from scripts import pipeline
from scripts.hypothesis_registry import DEFAULT_REGISTRY, load_registry
from scripts.publish import publish
from scripts.tests.held_reader import held_reader, table_checksum
from scripts.warehouse import DEFAULT_CUSTOMERS_CSV, Warehouse

SAMPLE_ROWS = 3000


def customers_in(database: Path) -> int:
    with duckdb.connect(str(database), read_only=True) as connection:
        row = connection.execute("select count(*) from dim_customers").fetchone()
    assert row is not None
    return int(row[0])


def printed_paths(output: str) -> dict[str, Path]:
    """The `Built:` block of the summary: label → path."""
    block = output.split("Built:\n", 1)[1]
    paths = {}
    for line in block.splitlines():
        label, _, rest = line.strip().partition(":")
        match = re.search(r"(/\S+)", rest)
        if match:
            paths[label] = Path(match.group(1).rstrip(";"))
    return paths


def mart_checksums(release: Path) -> dict[str, str]:
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    return {mart["name"]: mart["checksum"] for mart in manifest["marts"]}


def test_main_command_runs_twice_while_a_reader_holds_the_serving_file(
    analysed_sample_warehouse: Warehouse,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    serving = tmp_path / "serving"
    first = publish(analysed_sample_warehouse.duckdb_path, serving)
    smaller = tmp_path / "customers.csv"
    lines = DEFAULT_CUSTOMERS_CSV.read_text(encoding="utf-8").splitlines(keepends=True)
    smaller.write_text("".join(lines[: SAMPLE_ROWS + 1]), encoding="utf-8")
    warehouse = tmp_path / "warehouse" / "bank.duckdb"
    arguments = [
        "--customers-csv",
        str(smaller),
        "--duckdb-path",
        str(warehouse),
        "--serving-dir",
        str(serving),
        "--reports-dir",
        str(tmp_path / "reports"),
        "--dbt-artifacts-dir",
        str(tmp_path / "dbt"),
    ]
    # tables the reader has not read yet, so it cannot answer from DuckDB's cache
    unread = ["rpt_product_segments", "rpt_churn_portrait"]
    published = {table: table_checksum(first.serving_file, table) for table in unread}
    output = ""
    with held_reader(first.serving_file) as read:
        assert read("dim_customers") == table_checksum(first.serving_file, "dim_customers")
        for table in unread:
            capsys.readouterr()
            assert pipeline.main(arguments) == 0
            output = capsys.readouterr().out
            # the reader keeps the release it opened: consistent, never half-written
            assert read(table) == published[table]

    # the same input twice gives the same contents, mart by mart
    second, first_of_two = sorted((serving / "releases").iterdir(), reverse=True)
    assert mart_checksums(second) == mart_checksums(first_of_two)

    paths = printed_paths(output)
    assert set(paths) == {
        "warehouse (dbt)",
        "hypothesis results",
        "report",
        "report (Markdown)",
        "serving file (Tableau)",
        "Hyper extracts",
        "Parquet files",
        "docs site",
    }
    assert all(path.exists() for path in paths.values()), paths
    assert sorted(path.stem for path in paths["Hyper extracts"].glob("*.hyper")) == sorted(
        path.stem for path in paths["Parquet files"].glob("*.parquet")
    )
    # a new connection sees the new build, hypothesis results included
    kept = customers_in(warehouse)
    assert kept < customers_in(analysed_sample_warehouse.duckdb_path)
    assert customers_in(paths["serving file (Tableau)"]) == kept
    with duckdb.connect(str(paths["serving file (Tableau)"]), read_only=True) as connection:
        tested = connection.execute("select count(*) from rpt_hypothesis_results").fetchone()
    assert tested == (len(load_registry(DEFAULT_REGISTRY)),)


def test_vars_reach_every_dbt_command(tmp_path: Path) -> None:
    defaults = Warehouse(customers_csv=tmp_path / "in.csv", duckdb_path=tmp_path / "w.duckdb")
    excel = '{customers_csv_encoding: cp1251, customers_csv_delimiter: ";"}'
    assert pipeline.parse_arguments(["--vars", excel], defaults).dbt_var_arguments == [
        "--vars",
        excel,
    ]
    assert pipeline.parse_arguments([], defaults).dbt_var_arguments == []
