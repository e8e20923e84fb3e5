"""The main command end to end: every deliverable built and named, with a Tableau reader holding
the serving file open the whole time."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from scripts import pipeline
from scripts.hypothesis_registry import DEFAULT_REGISTRY, load_registry
from scripts.publish import publish
from scripts.warehouse import DEFAULT_CUSTOMERS_CSV, Warehouse

# A reader like Tableau's live connection: opens the serving file read-only once and keeps it,
# answering a count each time it is poked.
READER = """
import sys, duckdb
connection = duckdb.connect(sys.argv[1], read_only=True)
def customers():
    return connection.execute("select count(*) from dim_customers").fetchone()[0]
print(customers(), flush=True)
for _ in sys.stdin:
    print(customers(), flush=True)
"""

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


def test_main_command_runs_twice_while_a_reader_holds_the_serving_file(
    analysed_sample_warehouse: Warehouse,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    serving = tmp_path / "serving"
    first = publish(analysed_sample_warehouse.duckdb_path, serving)
    published_before = customers_in(analysed_sample_warehouse.duckdb_path)
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
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(first.serving_file)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert reader.stdin is not None
    assert reader.stdout is not None
    try:
        assert int(reader.stdout.readline()) == published_before
        for _ in range(2):
            capsys.readouterr()
            assert pipeline.main(arguments) == 0
            output = capsys.readouterr().out
            reader.stdin.write("again\n")
            reader.stdin.flush()
            # the reader keeps the release it opened: consistent, never half-written
            assert int(reader.stdout.readline()) == published_before
    finally:
        reader.stdin.close()
        reader.wait(timeout=60)
    assert reader.returncode == 0

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
    assert kept < published_before
    assert customers_in(paths["serving file (Tableau)"]) == kept
    with duckdb.connect(str(paths["serving file (Tableau)"]), read_only=True) as connection:
        tested = connection.execute("select count(*) from rpt_hypothesis_results").fetchone()
    assert tested == (len(load_registry(DEFAULT_REGISTRY)),)
