from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from scripts.warehouse import (
    DEFAULT_CUSTOMERS_CSV,
    DEFAULT_DUCKDB_PATH,
    PROJECT_DIR,
    InProcessDbt,
    Warehouse,
    dbt_command,
    dbt_environment,
    resolve_warehouse,
    run_dbt,
)

ENGINE_SETTING_VARIABLES = (
    "BANK_DUCKDB_MEMORY_LIMIT",
    "BANK_DUCKDB_THREADS",
    "BANK_DUCKDB_TEMP_DIRECTORY",
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
    assert environment["DBT_THREADS"] == str(os.cpu_count())
    assert dbt_environment(warehouse, {"DBT_THREADS": "1"})["DBT_THREADS"] == "1"
    command = dbt_command(["build"], tmp_path)
    assert command[1] == "build"
    assert command[command.index("--project-dir") + 1] == str(PROJECT_DIR)
    assert command[command.index("--target-path") + 1] == str(tmp_path / "target")


def compiled_engine_settings(tmp_path: Path, *, dbt_vars: str | None = None) -> str:
    """What the on-run-start hook would run, as `dbt compile --inline` prints it."""
    warehouse = Warehouse(DEFAULT_CUSTOMERS_CSV, tmp_path / "bank.duckdb")
    result = run_dbt(
        ["compile", "--inline", "{{ apply_engine_settings() }}"]
        + (["--vars", dbt_vars] if dbt_vars else []),
        warehouse,
        artifacts_dir=tmp_path,
        capture_output=True,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    return result.stdout.split("Compiled inline node is:", 1)[1].strip()


def test_duckdb_takes_a_quarter_of_the_memory_and_keeps_its_other_defaults_unless_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ENGINE_SETTING_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    statement, limit = compiled_engine_settings(tmp_path).split(" = ")
    assert statement == "set memory_limit"
    assert limit.startswith("'")
    assert limit.endswith("MiB'")
    memory_kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    # DuckDB reports its default to a tenth of a GiB, so the quarter is read back to within 2%
    assert int(limit[1:-4]) == pytest.approx(memory_kib / 1024 / 4, rel=0.02)


def test_duckdb_settings_come_from_dbt_vars_before_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BANK_DUCKDB_MEMORY_LIMIT", "6GB")
    monkeypatch.setenv("BANK_DUCKDB_THREADS", "3")
    monkeypatch.setenv("BANK_DUCKDB_TEMP_DIRECTORY", "/ignored")
    compiled = compiled_engine_settings(
        tmp_path, dbt_vars='{duckdb_temp_directory: "/srv/bank\'s spill"}'
    )
    assert compiled.splitlines() == [
        "set memory_limit = '6GB';",
        "set threads = '3';",
        "set temp_directory = '/srv/bank''s spill'",
    ]


def test_dbt_in_this_process_gives_the_command_lines_exit_codes_and_lets_go_of_the_warehouse(
    tmp_path: Path,
) -> None:
    warehouse = Warehouse(DEFAULT_CUSTOMERS_CSV, tmp_path / "bank.duckdb")
    dbt = InProcessDbt(warehouse, artifacts_dir=tmp_path)
    environment_before = dict(os.environ)
    assert dbt.invoke(["seed", "--select", "city_aliases"]) == 0
    assert os.environ == environment_before
    # the seed is readable read-only from this same process, as the report and publish read it
    with duckdb.connect(str(warehouse.duckdb_path), read_only=True) as connection:
        assert connection.execute("select count(*) from city_aliases").fetchone() == (7,)
    assert dbt.invoke(["compile", "--inline", "{{ no_such_macro() }}"]) == 2
    assert dbt.invoke(["seed", "--no-such-option"]) == 2
