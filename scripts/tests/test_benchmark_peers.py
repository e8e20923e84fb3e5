"""Checks that the peers of the scale benchmark compute the same marts as the dbt build.

A peer is only a fair yardstick if it publishes what dbt publishes: every mart is compared with
the dbt build's as a set of rows (sorted on all columns), doubles to a relative 1e-9, everything
else exactly. Each peer has a fixture that runs it on the bundled sample and returns a `PeerRun`,
which reads its marts; the comparison helpers are shared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from scripts.benchmarks.peers import duckdb_peer
from scripts.tests.dbt_build import REAL_FILE, query
from scripts.warehouse import DEFAULT_CUSTOMERS_CSV, Warehouse

MARTS = duckdb_peer.MARTS
RTOL = 1e-9
ATOL = 1e-12


@dataclass(frozen=True)
class PeerRun:
    """One peer's output: how to read a mart of it as a data frame."""

    name: str
    read_mart: Callable[[str], pd.DataFrame]


# --- comparison -------------------------------------------------------------------------------


def comparable(values: pd.Series) -> list[object]:
    """Values as plain Python objects, every kind of missing as None."""
    return [None if pd.isna(value) else value for value in values.astype(object)]


def sorted_rows(frame: pd.DataFrame, float_columns: list[str]) -> pd.DataFrame:
    """The rows in the order of all columns, doubles last, so a last-bit difference in a double
    cannot pair a row with the wrong partner."""
    keys = [column for column in frame.columns if column not in float_columns] + float_columns
    ordered = frame.sort_values(keys, na_position="first", kind="mergesort")
    return ordered.reset_index(drop=True)


def assert_same_rows(mart: str, reported: pd.DataFrame, expected: pd.DataFrame) -> None:
    """The same columns in the same order and the same rows: doubles to a relative 1e-9,
    everything else (counts, flags, text) exactly."""
    assert list(reported.columns) == list(expected.columns), f"{mart}: columns differ"
    assert len(reported) == len(expected), f"{mart}: {len(reported)} rows, dbt {len(expected)}"
    float_columns = [
        str(column)
        for column in expected.columns
        if pd.api.types.is_float_dtype(expected[column])
        or pd.api.types.is_float_dtype(reported[column])
    ]
    got = sorted_rows(reported, float_columns)
    want = sorted_rows(expected, float_columns)
    for column in expected.columns:
        if column in float_columns:
            equal = np.isclose(
                got[column].astype(float),
                want[column].astype(float),
                rtol=RTOL,
                atol=ATOL,
                equal_nan=True,
            )
        else:
            equal = np.array(
                [
                    a == b
                    for a, b in zip(comparable(got[column]), comparable(want[column]), strict=True)
                ],
                dtype=bool,
            )
        wrong = pd.DataFrame({"peer": got.loc[~equal, column], "dbt": want.loc[~equal, column]})
        assert wrong.empty, f"{mart}.{column} differs:\n{wrong.head(20).to_string()}"


def dbt_mart(warehouse: Warehouse, mart: str) -> pd.DataFrame:
    return query(warehouse, f"select * from {mart}")


def column_types(database: Path, mart: str) -> list[tuple[str, str]]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return [
            (str(name), str(data_type))
            for name, data_type in connection.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'main' and table_name = ? order by ordinal_position",
                [mart],
            ).fetchall()
        ]


# --- peer 1: the hand-written DuckDB script ----------------------------------------------------


def duckdb_marts(database: Path) -> PeerRun:
    def read_mart(mart: str) -> pd.DataFrame:
        with duckdb.connect(str(database), read_only=True) as connection:
            return connection.execute(f"select * from {mart}").df()

    return PeerRun(name="duckdb", read_mart=read_mart)


@pytest.fixture(scope="module")
def duckdb_sample_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    database = tmp_path_factory.mktemp("duckdb_peer") / "marts.duckdb"
    duckdb_peer.run(DEFAULT_CUSTOMERS_CSV, database)
    return database


@pytest.mark.parametrize("mart", MARTS)
def test_duckdb_peer_mart_equals_dbt_on_the_sample(
    mart: str, duckdb_sample_database: Path, sample_warehouse: Warehouse
) -> None:
    reported = duckdb_marts(duckdb_sample_database).read_mart(mart)
    assert_same_rows(mart, reported, dbt_mart(sample_warehouse, mart))


def test_duckdb_peer_marts_have_the_dbt_column_types(
    duckdb_sample_database: Path, sample_warehouse: Warehouse
) -> None:
    for mart in MARTS:
        assert column_types(duckdb_sample_database, mart) == column_types(
            sample_warehouse.duckdb_path, mart
        ), mart


@pytest.mark.real_file
def test_duckdb_peer_marts_equal_dbt_on_the_real_file(
    real_warehouse: Warehouse, tmp_path: Path
) -> None:
    database = tmp_path / "marts.duckdb"
    duckdb_peer.run(Path(REAL_FILE).resolve(), database)
    for mart in MARTS:
        assert_same_rows(
            mart, duckdb_marts(database).read_mart(mart), dbt_mart(real_warehouse, mart)
        )
