"""A path or a var is data: quotes, braces, spaces, Cyrillic or SQL in it never change the SQL
that runs."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from scripts.tests.dbt_build import query
from scripts.warehouse import DEFAULT_CUSTOMERS_CSV, Warehouse, run_dbt

SAMPLE_LINES = 21
HOSTILE_NAME = "клиенты {name} O'Brien'; drop table canary; -- $x.csv"


def staged(warehouse: Warehouse, workdir: Path, *extra: str) -> str:
    """Build the staging view alone (with the seed it needs); the output, or FAILED and it."""
    # data and unit tests run in the main build; here only whether the file is read matters
    result = run_dbt(
        [
            "build",
            "--select",
            "+stg_bank__customers",
            "--exclude-resource-type",
            "test",
            "--exclude-resource-type",
            "unit_test",
            *extra,
        ],
        warehouse,
        artifacts_dir=workdir,
        capture_output=True,
    )
    return result.stdout if result.returncode == 0 else f"FAILED\n{result.stdout}"


@pytest.fixture
def hostile_warehouse(tmp_path: Path) -> Warehouse:
    folder = tmp_path / "папка с пробелами 'и кавычками'"
    folder.mkdir()
    customers_csv = folder / HOSTILE_NAME
    lines = DEFAULT_CUSTOMERS_CSV.read_text(encoding="utf-8").splitlines(keepends=True)
    customers_csv.write_text("".join(lines[:SAMPLE_LINES]), encoding="utf-8")
    warehouse = Warehouse(customers_csv=customers_csv, duckdb_path=folder / "bank {x}.duckdb")
    with duckdb.connect(str(warehouse.duckdb_path)) as connection:
        connection.execute("create table canary as select 42 as answer")
    return warehouse


def test_a_hostile_path_is_read_as_a_path(hostile_warehouse: Warehouse, tmp_path: Path) -> None:
    output = staged(hostile_warehouse, tmp_path)
    assert not output.startswith("FAILED"), output[-3000:]
    staged_rows = query(hostile_warehouse, "select count(*) as n from stg_bank__customers")
    assert staged_rows["n"].item() == SAMPLE_LINES - 1
    # the `drop table` in the file name never ran
    assert query(hostile_warehouse, "select answer from canary")["answer"].item() == 42


def test_a_missing_hostile_path_is_named_exactly(
    hostile_warehouse: Warehouse, tmp_path: Path
) -> None:
    missing = hostile_warehouse.customers_csv.with_name("нет " + HOSTILE_NAME)
    shutil.move(hostile_warehouse.customers_csv, missing.with_suffix(".moved"))
    output = staged(hostile_warehouse, tmp_path)
    assert output.startswith("FAILED")
    assert f"Customer file '{hostile_warehouse.customers_csv}' does not exist" in output
    assert query(hostile_warehouse, "select answer from canary")["answer"].item() == 42


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        (
            {"customers_csv_delimiter": "', all_varchar = false) --"},
            "customers_csv_delimiter must be one of",
        ),
        (
            {"customers_csv_encoding": "utf-8'); drop table canary; --"},
            "customers_csv_encoding 'utf-8'); drop table canary; --' is not known",
        ),
        ({"customers_csv_decimal_separator": "' or 1=1 --"}, "must be '.' or ','"),
        (
            {"customers_csv_delimiter": ",", "customers_csv_decimal_separator": ","},
            "are both ','",
        ),
    ],
)
def test_a_hostile_var_is_refused_before_any_sql_uses_it(
    hostile_warehouse: Warehouse, tmp_path: Path, variables: dict[str, str], message: str
) -> None:
    yaml_vars = "{" + ", ".join(f"{key}: {value!r}" for key, value in variables.items()) + "}"
    output = staged(hostile_warehouse, tmp_path, "--vars", yaml_vars)
    assert output.startswith("FAILED")
    assert message in output
    assert query(hostile_warehouse, "select answer from canary")["answer"].item() == 42
