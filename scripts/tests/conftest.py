from __future__ import annotations

import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from scripts import hypotheses
from scripts.tests.dbt_build import REAL_FILE, built
from scripts.warehouse import DEFAULT_CUSTOMERS_CSV, Warehouse

REAL_FILE_MARKER = "real_file"
REAL_FILE_FIXTURES = {"real_warehouse", "real_build"}


@dataclass
class RealFileTally:
    """Which selected tests need the bank's real file, and how many of them ran."""

    selected: set[str] = field(default_factory=set)
    ran: int = 0
    skipped: int = 0

    @property
    def vanished(self) -> bool:
        """The real file is named, yet no test used it."""
        return bool(REAL_FILE) and self.ran == 0


TALLY = RealFileTally()


def real_file_problem(path: Path) -> str | None:
    """Why the named real file cannot be used, or None."""
    if not path.is_file():
        return "does not exist or is not a file"
    try:
        with path.open("rb") as handle:
            handle.read(1)
    except OSError as error:
        return f"cannot be read ({error.strerror})"
    return None


def pytest_configure(config: pytest.Config) -> None:
    # a moved file or a typo must fail the run, never turn the real-file tests into skips
    if REAL_FILE:
        problem = real_file_problem(Path(REAL_FILE))
        if problem:
            raise pytest.UsageError(
                f"BANK_REAL_CUSTOMERS_CSV names '{REAL_FILE}', which {problem}. Point it at the "
                "bank's customer file, or unset it to run without the real-file tests."
            )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    unmarked = [
        item.nodeid
        for item in items
        if REAL_FILE_FIXTURES & set(getattr(item, "fixturenames", ()))
        and item.get_closest_marker(REAL_FILE_MARKER) is None
    ]
    if unmarked:
        raise pytest.UsageError(
            f"tests that use the real file lack the `{REAL_FILE_MARKER}` marker: "
            + ", ".join(unmarked)
        )
    TALLY.selected = {
        item.nodeid for item in items if item.get_closest_marker(REAL_FILE_MARKER) is not None
    }


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.nodeid not in TALLY.selected:
        return
    if report.when == "call":
        TALLY.ran += 1
    elif report.skipped:
        TALLY.skipped += 1


def pytest_sessionfinish(session: pytest.Session) -> None:
    if TALLY.vanished and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    terminalreporter.write_line(
        f"real-file tests: {TALLY.ran} ran, {TALLY.skipped} skipped, "
        f"of {len(TALLY.selected)} selected"
        + (
            f" (BANK_REAL_CUSTOMERS_CSV={REAL_FILE})"
            if REAL_FILE
            else " (BANK_REAL_CUSTOMERS_CSV unset)"
        )
    )
    if TALLY.vanished:
        terminalreporter.write_line(
            "error: BANK_REAL_CUSTOMERS_CSV is set but no real-file test ran", red=True
        )


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    return built(DEFAULT_CUSTOMERS_CSV, tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="session")
def real_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    if not REAL_FILE:
        pytest.skip("BANK_REAL_CUSTOMERS_CSV is unset")
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
