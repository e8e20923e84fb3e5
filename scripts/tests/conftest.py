from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from scripts import hypotheses
from scripts.tests.dbt_build import REAL_FILE, built
from scripts.warehouse import DEFAULT_CUSTOMERS_CSV, Warehouse


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    return built(DEFAULT_CUSTOMERS_CSV, tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="session")
def real_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    if not REAL_FILE or not Path(REAL_FILE).is_file():
        pytest.skip("BANK_REAL_CUSTOMERS_CSV does not name the bank's file")
    return built(Path(REAL_FILE).resolve(), tmp_path_factory.mktemp("real"))


@pytest.fixture(scope="session")
def analysed_sample_warehouse(
    sample_warehouse: Warehouse, tmp_path_factory: pytest.TempPathFactory
) -> Warehouse:
    """The sample warehouse plus rpt_hypothesis_results, in a copy the other tests never see."""
    workdir = tmp_path_factory.mktemp("analysed")
    analysed = replace(sample_warehouse, duckdb_path=workdir / "bank.duckdb")
    shutil.copyfile(sample_warehouse.duckdb_path, analysed.duckdb_path)
    tested = hypotheses.main(
        ["--database", str(analysed.duckdb_path), "--reports-dir", str(workdir / "reports")]
    )
    assert tested == 0
    return analysed
