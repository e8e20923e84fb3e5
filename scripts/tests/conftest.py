from __future__ import annotations

from pathlib import Path

import pytest

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
