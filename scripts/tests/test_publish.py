"""The publish step: what reaches the serving area, in which types, and how releases switch."""

from __future__ import annotations

import fcntl
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from tableauhyperapi import (
    Connection,
    HyperProcess,
    SchemaName,
    SqlType,
    TableName,
    Telemetry,
)

from scripts import publish as publish_module
from scripts.publish import (
    PublishError,
    Release,
    checksum,
    hyper_type,
    new_release_id,
    publish,
    relation_checksum,
    serving_dir_for,
    tableau_marts,
)
from scripts.tests.held_reader import held_reader, table_checksum
from scripts.tests.release_contents import base_tables, hyper_value, parquet_rows
from scripts.warehouse import PROJECT_DIR, Warehouse

SYNTHETIC_MARTS = ["dim_customers", "fct_customer_churn_risk", "rpt_hypothesis_results", "rpt_x"]
ALLOWED_DUCKDB_TYPE = re.compile(
    r"BOOLEAN|TINYINT|SMALLINT|INTEGER|BIGINT|FLOAT|DOUBLE|VARCHAR|DATE|TIMESTAMP"
    r"|DECIMAL\((1[0-8]|[1-9]),\d+\)"
)
ALLOWED_HYPER_TYPES = {
    SqlType.bool(),
    SqlType.small_int(),
    SqlType.int(),
    SqlType.big_int(),
    SqlType.double(),
    SqlType.text(),
    SqlType.date(),
    SqlType.timestamp(),
}


def make_warehouse(path: Path, version: int = 1) -> Path:
    """A warehouse shaped like dbt's, small enough to build in milliseconds. Each version adds a
    row to rpt_x so a reader can tell releases apart."""
    with duckdb.connect(str(path)) as connection:
        connection.execute(
            "create or replace table dim_customers as "
            "select range::bigint as customer_id, 'Ярославль' as city, range % 2 = 0 as churn "
            "from range(5)"
        )
        connection.execute(
            "create or replace table fct_customer_churn_risk as "
            "select range::integer as customer_id, range / 7 as risk from range(4)"
        )
        connection.execute(
            "create or replace table rpt_hypothesis_results as "
            "select 'H1' as hypothesis_id, 0.0123::double as p_value, true as is_rejected"
        )
        connection.execute(
            "create or replace table rpt_x (id bigint, score double, label varchar, "
            "amount decimal(18,2), flag boolean, n integer, small tinyint, ratio float, "
            "day date, stamped timestamp)"
        )
        connection.execute(
            "insert into rpt_x values "
            "(1, 0.1, 'Москва <b> \"q\" ''s''', 1234567890123456.78, true, 7, -3, 0.1, "
            "date '2024-02-29', timestamp '2024-02-29 23:59:59.999999'), "
            "(2, null, null, null, null, null, null, null, null, null), "
            "(3, -1e300, '', -0.01, false, -2147483648, 127, 3.5, "
            "date '1970-01-01', timestamp '1970-01-01 00:00:00')"
        )
        for extra in range(2, version + 1):
            connection.execute(
                f"insert into rpt_x (id, label) values ({extra + 2}, 'версия {extra}')"
            )
        connection.execute("create or replace table stg_y as select 1 as a")
        connection.execute("create or replace table int_z as select 1 as a")
        connection.execute("create or replace table fct_rejected_rows as select 'bad' as reason")
        connection.execute("create or replace view rpt_view as select * from rpt_x")
        connection.execute("create schema if not exists other")
        connection.execute("create or replace table other.rpt_elsewhere as select 1 as a")
    return path


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return make_warehouse(tmp_path / "bank.duckdb")


@pytest.fixture(scope="module")
def hyper(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HyperProcess]:
    logs = tmp_path_factory.mktemp("hyper-logs")
    parameters = {"log_config": "", "log_dir": str(logs)}
    with HyperProcess(
        Telemetry.DO_NOT_SEND_USAGE_DATA_TO_TABLEAU, parameters=parameters
    ) as process:
        yield process


def duckdb_contents(database: Path, table: str) -> tuple[int, str]:
    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.execute(f'select * from main."{table}"').fetchall()
    return len(rows), checksum(rows)


def parquet_contents(path: Path) -> tuple[int, str]:
    rows = parquet_rows(path)
    return len(rows), checksum(rows)


def hyper_contents(process: HyperProcess, path: Path, table: str) -> tuple[int, str, list[SqlType]]:
    with Connection(process.endpoint, str(path)) as connection:
        assert connection.catalog.get_table_names(SchemaName("Extract")) == [
            TableName("Extract", table)
        ]
        name = TableName("Extract", table)
        types = [column.type for column in connection.catalog.get_table_definition(name).columns]
        rows = [
            [hyper_value(value) for value in row]
            for row in connection.execute_list_query(f"select * from {name}")
        ]
    return len(rows), checksum(rows), types


def column_types(database: Path, table: str) -> list[tuple[str, str]]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(
            "select column_name, data_type from duckdb_columns() "
            "where schema_name = 'main' and table_name = ? order by column_index",
            [table],
        ).fetchall()


def assert_release_matches(
    release: Release, warehouse: Path, marts: list[str], process: HyperProcess
) -> None:
    """Every mart has the warehouse's rows, columns and checksum in all three formats."""
    assert [mart.name for mart in release.marts] == marts
    assert base_tables(release.serving_file) == marts
    manifest = json.loads((release.directory / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["release_id"] == release.release_id
    assert manifest["source_warehouse"] == str(warehouse.absolute())
    by_name = {entry["name"]: entry for entry in manifest["marts"]}
    for mart in release.marts:
        rows, expected = duckdb_contents(warehouse, mart.name)
        assert (mart.rows, mart.checksum) == (rows, expected), mart.name
        assert duckdb_contents(release.serving_file, mart.name) == (rows, expected), mart.name
        assert parquet_contents(release.parquet_dir / f"{mart.name}.parquet") == (rows, expected)
        hyper_rows, hyper_checksum, hyper_types = hyper_contents(
            process, release.hyper_dir / f"{mart.name}.hyper", mart.name
        )
        assert (hyper_rows, hyper_checksum) == (rows, expected), mart.name
        types = column_types(warehouse, mart.name)
        assert column_types(release.serving_file, mart.name) == types
        for (column, duckdb_type), hyper_sql_type in zip(types, hyper_types, strict=True):
            assert ALLOWED_DUCKDB_TYPE.fullmatch(duckdb_type), (mart.name, column, duckdb_type)
            assert hyper_sql_type in ALLOWED_HYPER_TYPES or (
                hyper_sql_type.tag == SqlType.numeric(18, 0).tag and hyper_sql_type.precision <= 18
            ), (mart.name, column, hyper_sql_type)
        assert by_name[mart.name]["rows"] == rows
        assert by_name[mart.name]["checksum"] == expected
        assert [(c["name"], c["duckdb_type"]) for c in by_name[mart.name]["columns"]] == types


def release_names(serving: Path) -> list[str]:
    return sorted(entry.name for entry in (serving / "releases").iterdir())


def current_release(serving: Path) -> str:
    return Path(os.readlink(serving / "current")).name


def test_checksum_ignores_row_order_and_how_a_reader_spells_values() -> None:
    rows = [
        (1, Decimal("12.50"), 0.1 + 0.2, date(2024, 1, 2), "a"),
        (2, Decimal("0E-2"), -0.0, datetime(2024, 1, 2, 3, 4, 5, 6), None),
    ]
    same = [
        (2, Decimal("0"), 0.0, datetime(2024, 1, 2, 3, 4, 5, 6), None),
        (1, Decimal("12.5"), 0.3, date(2024, 1, 2), "a"),
    ]
    assert checksum(rows) == checksum(same)
    assert checksum([]) == checksum([])
    assert checksum([("1",)]) != checksum([(1,)])
    assert checksum([(None,)]) != checksum([("null",)])
    assert checksum([(True,)]) != checksum([(1,)])
    assert checksum([(date(2024, 1, 2),)]) != checksum([("2024-01-02",)])
    assert checksum([(1, 2)]) != checksum([(1,), (2,)])
    # a multiset: a repeated row counts twice
    assert checksum([(1,), (1,)]) != checksum([(1,)])
    assert checksum([(1,), (1,), (2,)]) != checksum([(1,), (2,), (2,)])
    assert checksum([(1.00000000000001,)]) == checksum([(1.0,)])
    assert checksum([(1.001,)]) != checksum([(1.0,)])
    with pytest.raises(TypeError, match="bytes"):
        checksum([(b"x",)])


HARD_TO_SPELL = {
    "text varchar": [
        "",
        "null",
        'a "quote", a \\ backslash and \\u001F spelt out',
        "".join(map(chr, range(0x20))) + "\x7f\u2028 after the controls",
        "Ярославль 😀 e\u0301",
    ],
    "number double": [0.1 + 0.2, -0.0, float("nan"), float("-inf"), 5e-324, 1e16, 123456789012.5],
    "ratio float": [0.1, 3.5, -1e30],
    "amount decimal(18,2)": [Decimal("0.00"), Decimal("-0.01"), Decimal("1234567890123456.70")],
    "share decimal(4,4)": [Decimal("0.5000"), Decimal("-0.0001")],
    "whole decimal(18,0)": [Decimal("100"), Decimal("-7")],
    "stamped timestamp": [datetime(2024, 2, 29, 23, 59, 59, 999999), datetime(1, 1, 1)],
    "day date": [date(1, 1, 1), date(9999, 12, 31)],
    "flag boolean": [True, False],
    "small tinyint": [-128, 127],
    "big bigint": [-(2**63), 2**63 - 1],
}


def test_checksum_worked_out_in_duckdb_is_the_checksum_of_the_rows(tmp_path: Path) -> None:
    """publish checksums inside DuckDB; that must give what `checksum` gives for the rows DuckDB
    and pyarrow hand to Python, for the values whose canonical text is hardest to get right."""
    columns = list(HARD_TO_SPELL)
    longest = max(len(values) for values in HARD_TO_SPELL.values())
    # every column also gets a NULL
    rows = [
        [values[row] if row < len(values) else None for values in HARD_TO_SPELL.values()]
        for row in range(longest + 1)
    ]
    parquet = tmp_path / "hard.parquet"
    with duckdb.connect(str(tmp_path / "hard.duckdb")) as connection:
        connection.execute(f"create table hard ({', '.join(columns)})")
        connection.executemany(f"insert into hard values ({', '.join('?' * len(columns))})", rows)
        connection.execute(f"copy hard to '{parquet}' (format parquet)")
        expected = checksum(connection.execute("select * from hard").fetchall())
        assert relation_checksum(connection, "hard") == expected
        assert relation_checksum(connection, f"read_parquet('{parquet}')") == expected
        assert relation_checksum(connection, "(select * from hard limit 0)") == checksum([])
        with pytest.raises(PublishError, match="no canonical form for DuckDB type HUGEINT"):
            relation_checksum(connection, "(select 1::hugeint)")
    assert checksum(parquet_rows(parquet)) == expected


def test_tableau_marts_are_reports_customers_and_risk() -> None:
    names = ["stg_y", "int_z", "rpt_b", "fct_rejected_rows", "dim_customers", "rpt_a", "band_edges"]
    assert tableau_marts([*names, "fct_customer_churn_risk"]) == [
        "dim_customers",
        "fct_customer_churn_risk",
        "rpt_a",
        "rpt_b",
    ]


@pytest.mark.parametrize(
    ("duckdb_type", "expected"),
    [
        ("BOOLEAN", "bool"),
        ("TINYINT", "small_int"),
        ("SMALLINT", "small_int"),
        ("INTEGER", "int"),
        ("BIGINT", "big_int"),
        ("FLOAT", "double"),
        ("DOUBLE", "double"),
        ("VARCHAR", "text"),
        ("DATE", "date"),
        ("TIMESTAMP", "timestamp"),
        ("DECIMAL(18,2)", "numeric(18,2)"),
        ("DECIMAL(4,0)", "numeric(4,0)"),
    ],
)
def test_hyper_type_of_readable_types(duckdb_type: str, expected: str) -> None:
    assert hyper_type("rpt_x", "c", duckdb_type) == expected


@pytest.mark.parametrize(
    "duckdb_type",
    [
        "HUGEINT",
        "UHUGEINT",
        "UBIGINT",
        "DECIMAL(19,2)",
        "DECIMAL(38,2)",
        "INTEGER[]",
        "STRUCT(a INTEGER)",
        "TIMESTAMP WITH TIME ZONE",
        "BLOB",
    ],
)
def test_hyper_type_refuses_what_tableau_cannot_read(duckdb_type: str) -> None:
    with pytest.raises(PublishError, match=re.escape(f"mart rpt_x, column c: type {duckdb_type}")):
        hyper_type("rpt_x", "c", duckdb_type)


def test_release_ids_sort_by_time_and_name_the_process() -> None:
    earlier = new_release_id(datetime(2026, 11, 28, 14, 15, 0, 123456, tzinfo=UTC), 99999)
    later = new_release_id(datetime(2026, 11, 28, 14, 15, 0, 123457, tzinfo=UTC), 7)
    assert earlier == "20261128T141500123456Z-99999"
    assert sorted([later, earlier]) == [earlier, later]


def test_serving_dir_sits_beside_the_warehouse() -> None:
    assert serving_dir_for(Path("/data/warehouse/bank.duckdb")) == Path("/data/warehouse/serving")


def test_publishes_the_tableau_marts_in_three_formats(
    warehouse: Path, tmp_path: Path, hyper: HyperProcess
) -> None:
    serving = tmp_path / "serving"
    release = publish(warehouse, serving)
    assert_release_matches(release, warehouse, SYNTHETIC_MARTS, hyper)
    assert release.serving_file == serving / "current" / "bank_serving.duckdb"
    assert release.directory == serving / "releases" / release.release_id
    assert current_release(serving) == release.release_id
    assert sorted(path.name for path in release.directory.iterdir()) == [
        "bank_serving.duckdb",
        "hyper",
        "manifest.json",
        "parquet",
    ]
    assert sorted(path.name for path in release.hyper_dir.iterdir()) == [
        f"{mart}.hyper" for mart in SYNTHETIC_MARTS
    ]
    assert release_names(serving) == [release.release_id]
    # The warehouse is untouched and can be opened for writing again at once.
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("create table after_publish as select 1 as a")


def test_refuses_types_tableau_cannot_read(warehouse: Path, tmp_path: Path) -> None:
    serving = tmp_path / "serving"
    for column, sql_type in [("big_sum", "hugeint"), ("wide", "decimal(38,2)")]:
        with duckdb.connect(str(warehouse)) as connection:
            connection.execute(
                f"create or replace table rpt_bad as select 1::{sql_type} as {column}"
            )
        with pytest.raises(PublishError, match=f"mart rpt_bad, column {column}: type"):
            publish(warehouse, serving)
        assert not os.path.lexists(serving / "current")
        assert release_names(serving) == []


@pytest.mark.parametrize("missing", ["dim_customers", "rpt_hypothesis_results"])
def test_refuses_warehouse_without_a_required_mart(
    warehouse: Path, tmp_path: Path, missing: str
) -> None:
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute(f"drop table {missing}")
    with pytest.raises(PublishError, match=f"warehouse {re.escape(str(warehouse))} has no table"):
        publish(warehouse, tmp_path / "serving")
    assert release_names(tmp_path / "serving") == []


def test_refuses_missing_warehouse_without_creating_it(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.duckdb"
    with pytest.raises(PublishError, match="does not exist"):
        publish(missing, tmp_path / "serving")
    assert not missing.exists()


def test_current_switches_and_only_current_and_previous_are_kept(
    warehouse: Path, tmp_path: Path
) -> None:
    serving = tmp_path / "serving"
    first = publish(warehouse, serving)
    # What a publish killed half-way leaves behind.
    (serving / "releases" / ".20000101T000000000000Z-1.partial").mkdir()
    (serving / ".current.20000101T000000000000Z-1.tmp").symlink_to("releases/gone")
    make_warehouse(warehouse, version=2)
    second = publish(warehouse, serving)
    assert current_release(serving) == second.release_id
    assert release_names(serving) == [first.release_id, second.release_id]
    assert sorted(path.name for path in serving.iterdir()) == [
        ".publish.lock",
        "current",
        "releases",
    ]
    third = publish(warehouse, serving)
    assert first.release_id < second.release_id < third.release_id
    assert current_release(serving) == third.release_id
    assert release_names(serving) == [second.release_id, third.release_id]
    assert duckdb_contents(third.serving_file, "rpt_x")[0] == 4


def test_open_reader_blocks_no_publish_and_keeps_its_release(
    warehouse: Path, tmp_path: Path
) -> None:
    serving = tmp_path / "serving"
    first = publish(warehouse, serving)
    old_rpt_x = table_checksum(warehouse, "rpt_x")
    with held_reader(first.serving_file) as read:
        assert read("dim_customers") == table_checksum(warehouse, "dim_customers")
        make_warehouse(warehouse, version=2)
        second = publish(warehouse, serving)
        third = publish(warehouse, serving)
        # The reader's release is gone from the folder, yet the reader still has it.
        assert first.release_id not in release_names(serving)
        # a table not read before, so its pages come from the file, not from DuckDB's cache
        assert read("rpt_x") == old_rpt_x
    assert second.release_id < third.release_id
    assert duckdb_contents(serving / "current" / "bank_serving.duckdb", "rpt_x") == (
        duckdb_contents(warehouse, "rpt_x")
    )
    assert duckdb_contents(serving / "current" / "bank_serving.duckdb", "rpt_x")[1] != old_rpt_x


def test_publishes_started_together_both_succeed_one_after_the_other(
    warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serving = tmp_path / "serving"
    events: list[str] = []
    build = publish_module._build_release

    def recorded_build(*arguments: object, **keywords: object) -> object:
        events.append("start")
        try:
            return build(*arguments, **keywords)
        finally:
            events.append("end")

    monkeypatch.setattr(publish_module, "_build_release", recorded_build)
    start = threading.Barrier(2)

    def run() -> Release:
        start.wait()
        return publish(warehouse, serving)

    with ThreadPoolExecutor(max_workers=2) as pool:
        releases = sorted(
            (future.result() for future in [pool.submit(run), pool.submit(run)]),
            key=lambda release: release.release_id,
        )
    assert events == ["start", "end", "start", "end"]
    assert releases[0].release_id != releases[1].release_id
    assert release_names(serving) == [release.release_id for release in releases]
    assert current_release(serving) == releases[1].release_id


def test_waiting_for_the_lock_times_out(warehouse: Path, tmp_path: Path) -> None:
    serving = tmp_path / "serving"
    serving.mkdir()
    with (serving / ".publish.lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(PublishError, match=r"another publish still holds .*publish\.lock"):
            publish(warehouse, serving, lock_timeout_seconds=0.2)
    assert not (serving / "releases").exists()
    assert publish(warehouse, serving, lock_timeout_seconds=0.2).marts


def test_paths_with_spaces_quotes_and_cyrillic(tmp_path: Path, hyper: HyperProcess) -> None:
    folder = tmp_path / "склад 'w' \"dir\""
    folder.mkdir()
    warehouse = make_warehouse(folder / "bank's data.duckdb")
    release = publish(warehouse, tmp_path / "серв 'x' dir")
    assert_release_matches(release, warehouse, SYNTHETIC_MARTS, hyper)


def test_cli_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "scripts.publish", "--help"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert "--serving-dir" in result.stdout


def test_cli_publishes_beside_the_warehouse(
    warehouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert publish_module.main(["--database", str(warehouse)]) == 0
    serving_file = warehouse.parent / "serving" / "current" / "bank_serving.duckdb"
    assert str(serving_file) in capsys.readouterr().out
    assert base_tables(serving_file) == SYNTHETIC_MARTS


def test_cli_exits_2_with_one_line_on_publish_error(
    warehouse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("drop table dim_customers")
    arguments = ["--database", str(warehouse), "--serving-dir", str(tmp_path / "serving")]
    assert publish_module.main(arguments) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: warehouse ")
    assert error.count("\n") == 1


def test_publishes_the_real_marts_of_the_sample_build(
    analysed_sample_warehouse: Warehouse, tmp_path: Path, hyper: HyperProcess
) -> None:
    database = analysed_sample_warehouse.duckdb_path
    marts = tableau_marts(base_tables(database))
    # the marts Tableau reads, named one by one: what the publish step promises
    assert marts == [
        "dim_customers",
        "fct_customer_churn_risk",
        "rpt_churn_intervals",
        "rpt_churn_portrait",
        "rpt_churn_risk_lift",
        "rpt_churn_segments",
        "rpt_data_quality",
        "rpt_hypothesis_results",
        "rpt_product_segments",
        "rpt_retention_recommendations",
        "rpt_segment_churn_profiles",
    ]
    release = publish(database, tmp_path / "serving")
    assert_release_matches(release, database, marts, hyper)
    assert all(mart.rows > 0 for mart in release.marts)
