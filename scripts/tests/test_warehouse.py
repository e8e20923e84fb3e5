from __future__ import annotations

from pathlib import Path

from scripts.warehouse import (
    DEFAULT_CUSTOMERS_CSV,
    DEFAULT_DUCKDB_PATH,
    PROJECT_DIR,
    Warehouse,
    dbt_command,
    dbt_environment,
    resolve_warehouse,
)


def test_defaults_are_the_bundled_sample_and_the_warehouse_folder() -> None:
    assert resolve_warehouse({}, Path("/anywhere")) == Warehouse(
        DEFAULT_CUSTOMERS_CSV, DEFAULT_DUCKDB_PATH
    )


def test_environment_overrides_and_relative_paths_are_the_callers() -> None:
    warehouse = resolve_warehouse(
        {"BANK_CUSTOMERS_CSV": "exports/bank.csv", "BANK_DUCKDB_PATH": "/srv/bank.duckdb"},
        Path("/home/analyst"),
    )
    assert warehouse == Warehouse(Path("/home/analyst/exports/bank.csv"), Path("/srv/bank.duckdb"))


def test_dbt_runs_on_this_project_with_the_paths_in_its_environment(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "in.csv", tmp_path / "out.duckdb")
    environment = dbt_environment(warehouse, {"PATH": "/bin", "BANK_CUSTOMERS_CSV": "stale"})
    assert environment["BANK_CUSTOMERS_CSV"] == str(tmp_path / "in.csv")
    assert environment["BANK_DUCKDB_PATH"] == str(tmp_path / "out.duckdb")
    assert environment["DBT_SEND_ANONYMOUS_USAGE_STATS"] == "False"
    assert environment["PATH"] == "/bin"
    command = dbt_command(["build"], tmp_path)
    assert command[1] == "build"
    assert command[command.index("--project-dir") + 1] == str(PROJECT_DIR)
    assert command[command.index("--target-path") + 1] == str(tmp_path / "target")
