"""Publish the Tableau-facing marts from the warehouse into a serving area dbt never touches.

Usage: python -m scripts.publish [--database PATH] [--serving-dir PATH] [--lock-timeout SECONDS]

Readers -- Tableau, notebooks, anything but dbt -- open
    <serving dir>/current/bank_serving.duckdb        read-only (duckdb.connect(..., read_only=True))
    <serving dir>/current/hyper/<mart>.hyper         Tableau extracts, table "Extract"."<mart>"
    <serving dir>/current/parquet/<mart>.parquet
and never the warehouse itself: a reader holding the warehouse open blocks the next dbt build. The
serving directory defaults to a "serving" folder beside the warehouse file.

Layout of the serving directory:
    .publish.lock              held (flock) by the one publish running; never deleted
    current -> releases/<id>   replaced atomically, so it always names a complete release
    releases/<id>/             bank_serving.duckdb, parquet/, hyper/, manifest.json; never modified
    releases/.<id>.partial/    a release being built; nobody reads it
A release is built completely under its .partial name, fsynced, renamed into place, and only then
is `current` switched, so a reader sees the old release or the new one, never a mix. The current
release and the previous one are kept, older ones deleted. A reader that wants several files of
one release resolves `current` once (os.path.realpath) and opens everything from that folder.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import re
import shutil
import stat
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import tableauhyperapi as hyper

from scripts.file_lock import LockBusyError, exclusive_lock
from scripts.warehouse import add_database_argument

SERVING_FILE = "bank_serving.duckdb"
CURRENT = "current"
RELEASES = "releases"
LOCK_FILE = ".publish.lock"
MANIFEST = "manifest.json"
HYPER_SCHEMA = "Extract"
REQUIRED_MARTS = ("dim_customers", "fct_customer_churn_risk", "rpt_hypothesis_results")
NAMED_MARTS = frozenset({"dim_customers", "fct_customer_churn_risk"})
MART_PREFIX = "rpt_"
DEFAULT_LOCK_TIMEOUT_SECONDS = 600.0
SOURCE_ALIAS = "source_warehouse"
FLOAT_SIGNIFICANT_DIGITS = 12
CHECKSUM_MODULUS = 2**256
# What json.dumps(..., ensure_ascii=False) escapes in a string: the backslash, the quote and every
# control character, five of them by a short name and the others as \u00xx in lower case.
JSON_SHORT_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}
FIRST_PRINTABLE = 0x20
NOTHING_TO_ESCAPE_PATTERN = r'[^\x00-\x1f"\\]*'
INTEGER_TYPES = frozenset({"TINYINT", "SMALLINT", "INTEGER", "BIGINT"})
FLOAT_TYPES = frozenset({"FLOAT", "DOUBLE"})
DIGEST_PARTS = 4
DIGEST_PART_BITS = 64
DIGEST_PART_HEX_DIGITS = DIGEST_PART_BITS // 4

HYPER_TYPES = {
    "BOOLEAN": "bool",
    # Hyper has no one-byte integer; small_int holds every TINYINT.
    "TINYINT": "small_int",
    "SMALLINT": "small_int",
    "INTEGER": "int",
    "BIGINT": "big_int",
    # Tableau computes in double anyway; widening FLOAT loses nothing.
    "FLOAT": "double",
    "DOUBLE": "double",
    "VARCHAR": "text",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
}
# Wider decimals are 128-bit in DuckDB and need a 128-bit numeric in the extract, which not every
# Tableau release reads; a mart that needs more digits should say so by casting to double.
MAX_DECIMAL_PRECISION = 18
DECIMAL_TYPE = re.compile(r"DECIMAL\((\d+),\s*(\d+)\)")
# Mart names become file names; anything else could escape the release folder.
MART_NAME = re.compile(r"\w+")


class PublishError(RuntimeError):
    """The marts cannot be published; the message says which warehouse, mart or lock, and why."""


@dataclass(frozen=True)
class MartColumn:
    """A column as the warehouse spells its type and as the Hyper extract stores it."""

    name: str
    duckdb_type: str
    hyper_type: str


@dataclass(frozen=True)
class PublishedMart:
    """One mart of a release; the checksum holds for the DuckDB table, Parquet and Hyper alike."""

    name: str
    rows: int
    checksum: str
    columns: tuple[MartColumn, ...]


@dataclass(frozen=True)
class Release:
    """A published release. `directory` is this release's own folder, which never changes;
    `serving_file`, `parquet_dir` and `hyper_dir` go through `current`, the paths readers keep."""

    release_id: str
    directory: Path
    serving_file: Path
    parquet_dir: Path
    hyper_dir: Path
    marts: tuple[PublishedMart, ...]


def serving_dir_for(duckdb_path: Path) -> Path:
    """The default serving area: a folder beside the warehouse file, outside dbt's reach."""
    return duckdb_path.parent / "serving"


def tableau_marts(table_names: Iterable[str]) -> list[str]:
    """The tables Tableau reads, in name order: every rpt_* plus the customer dimension and the
    risk fact. The rejected rows and the staging and intermediate layers stay in the warehouse."""
    return sorted(
        {name for name in table_names if name.startswith(MART_PREFIX) or name in NAMED_MARTS}
    )


def hyper_type(mart: str, column: str, duckdb_type: str) -> str:
    """The Hyper type a DuckDB column is stored as, e.g. "big_int" or "numeric(18,2)"."""
    if duckdb_type in HYPER_TYPES:
        return HYPER_TYPES[duckdb_type]
    decimal = DECIMAL_TYPE.fullmatch(duckdb_type)
    if decimal and int(decimal[1]) <= MAX_DECIMAL_PRECISION:
        return f"numeric({int(decimal[1])},{int(decimal[2])})"
    raise PublishError(
        f"mart {mart}, column {column}: type {duckdb_type} cannot be published for Tableau; "
        f"cast it in the model to one of {', '.join(sorted(HYPER_TYPES))} "
        f"or DECIMAL(p,s) with p <= {MAX_DECIMAL_PRECISION}"
    )


def quote_identifier(name: str) -> str:
    """A SQL identifier that means exactly `name`, whatever characters it holds."""
    return '"' + name.replace('"', '""') + '"'


def string_literal(text: str) -> str:
    """A SQL string literal that means exactly `text`; paths go into DuckDB statements this way."""
    if "\x00" in text:
        raise PublishError(f"a NUL character cannot be passed to DuckDB: {text!r}")
    return "'" + text.replace("'", "''") + "'"


def new_release_id(now: datetime, pid: int) -> str:
    """A release id that sorts by UTC time to the microsecond; the pid keeps apart two processes
    that publish in the same microsecond."""
    return f"{now.astimezone(UTC):%Y%m%dT%H%M%S%fZ}-{pid}"


def canonical_value(value: object) -> str:
    """One value as text that is equal however DuckDB, pyarrow or Hyper hand it to Python. The
    prefix keeps kinds apart, so the string "null" or "1" never matches NULL or the number 1."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"b:{value}"
    if isinstance(value, int):
        return f"i:{value}"
    if isinstance(value, Decimal):
        # 12.50 and 12.5 are one value; the scale lives in the column type, not the row.
        return "d:" + ("0" if value == 0 else format(value.normalize(), "f"))
    if isinstance(value, float):
        # Readers that widen FLOAT to double, or print the last digit differently, still agree.
        if math.isnan(value):
            return "f:nan"
        return "f:" + ("0" if value == 0 else format(value, f".{FLOAT_SIGNIFICANT_DIGITS}g"))
    if isinstance(value, datetime):
        return f"t:{value.isoformat()}"
    if isinstance(value, date):
        return f"D:{value.isoformat()}"
    if isinstance(value, str):
        return f"s:{value}"
    raise TypeError(f"no canonical form for {type(value).__name__} value {value!r}")


def _checksum_text(count: int, digest_sum: int) -> str:
    return f"{count}:{digest_sum % CHECKSUM_MODULUS:064x}"


def checksum(rows: Iterable[Sequence[object]]) -> str:
    """An order-free digest of a table: the sum, modulo 2**256, of the SHA-256 of every canonical
    row, with the row count. It streams, so ten million rows need no more memory than one, and
    it is the same whichever of DuckDB, Parquet or Hyper the rows were read from. A canonical
    row is the JSON list of its canonical values (json.dumps, ensure_ascii=False), as UTF-8."""
    total = 0
    count = 0
    for row in rows:
        line = json.dumps([canonical_value(value) for value in row], ensure_ascii=False)
        total = (total + int.from_bytes(hashlib.sha256(line.encode()).digest())) % CHECKSUM_MODULUS
        count += 1
    return _checksum_text(count, total)


def _json_string_body_sql(text: str) -> str:
    """SQL that escapes `text` as json.dumps(..., ensure_ascii=False) does between the quotes."""
    short_escapes = " ".join(
        f"when character = chr({ord(character)}) then {string_literal(escape)}"
        for character, escape in JSON_SHORT_ESCAPES.items()
    )
    escape_one = (
        f"case {short_escapes} "
        f"when ord(character) < {FIRST_PRINTABLE} then printf('\\u%04x', ord(character)) "
        "else character end"
    )
    characters = f"string_split({text}, '')"
    escaped = f"array_to_string(list_transform({characters}, lambda character: {escape_one}), '')"
    # Hardly any text needs escaping; one scan finds out, and only the few that do are taken
    # apart character by character.
    nothing_to_escape = f"regexp_full_match({text}, {string_literal(NOTHING_TO_ESCAPE_PATTERN)})"
    return f"case when {nothing_to_escape} then {text} else {escaped} end"


def _decimal_digits_sql(value: str, precision: int, scale: int) -> str:
    """SQL printing a non-zero decimal as format(value.normalize(), "f") does."""
    if scale == 0:
        return f"{value}::varchar"
    if precision == scale:
        # With no digit before the point DuckDB prints .5, not 0.5; one more digit gives it room.
        value = f"{value}::decimal({precision + 1}, {scale})"
    # DuckDB prints every digit of the scale; normalize drops the trailing zeros.
    return f"rtrim(rtrim({value}::varchar, '0'), '.')"


def _canonical_value_sql(value: str, duckdb_type: str) -> str:
    """SQL giving canonical_value of a non-NULL `value` of the type, as DuckDB hands it to Python;
    already escaped for a JSON string, since only text can hold what JSON escapes."""
    if duckdb_type == "BOOLEAN":
        return f"case when {value} then 'b:True' else 'b:False' end"
    if duckdb_type in INTEGER_TYPES:
        return f"'i:' || {value}"
    if duckdb_type in FLOAT_TYPES:
        number = f"{value}::double"
        return (
            f"case when isnan({number}) then 'f:nan' when {number} = 0 then 'f:0' "
            f"else 'f:' || printf('%.{FLOAT_SIGNIFICANT_DIGITS}g', {number}) end"
        )
    decimal = DECIMAL_TYPE.fullmatch(duckdb_type)
    if decimal:
        digits = _decimal_digits_sql(value, precision=int(decimal[1]), scale=int(decimal[2]))
        return f"case when {value} = 0 then 'd:0' else 'd:' || {digits} end"
    if duckdb_type == "DATE":
        return f"'D:' || strftime({value}, '%Y-%m-%d')"
    if duckdb_type == "TIMESTAMP":
        # isoformat leaves out a fraction of zero microseconds.
        return (
            f"'t:' || regexp_replace(strftime({value}, '%Y-%m-%dT%H:%M:%S.%f'), '\\.000000$', '')"
        )
    if duckdb_type == "VARCHAR":
        return f"'s:' || {_json_string_body_sql(value)}"
    raise PublishError(f"no canonical form for DuckDB type {duckdb_type}")


def _canonical_line_sql(columns: Sequence[tuple[str, str]]) -> str:
    """SQL giving the text `checksum` hashes for a row: its canonical values as a JSON list."""
    values = [
        f"case when {quote_identifier(name)} is null then 'null' "
        f"else {_canonical_value_sql(quote_identifier(name), duckdb_type)} end"
        for name, duckdb_type in columns
    ]
    # One concat builds the line in one go; a chain of || copies it once per column.
    return "concat('[\"', " + ", '\", \"', ".join(values) + ", '\"]')"


def relation_checksum(connection: duckdb.DuckDBPyConnection, relation: str) -> str:
    """`checksum` of the rows of `relation` -- a table, or a table function such as
    read_parquet(...) -- worked out inside DuckDB: no row reaches Python, and DuckDB aggregates
    as it scans, so memory stays flat however long the table."""
    columns = connection.execute(f"describe select * from {relation}").fetchall()
    line = _canonical_line_sql([(name, duckdb_type) for name, duckdb_type, *_ in columns])
    # Each 64-bit part of a digest is summed apart: DuckDB sums UBIGINT into a 128-bit HUGEINT,
    # which cannot overflow before 2**63 rows; the parts are put together and reduced in Python.
    part_sums = ", ".join(
        f"sum(('0x' || substr(digest, {1 + part * DIGEST_PART_HEX_DIGITS}, "
        f"{DIGEST_PART_HEX_DIGITS}))::ubigint)"
        for part in range(DIGEST_PARTS)
    )
    result = connection.execute(
        f"select count(*), {part_sums} from (select sha256({line}) as digest from {relation})"
    ).fetchone()
    assert result is not None
    count, *sums = result
    digest_sum = sum(
        (part_sum or 0) << (DIGEST_PART_BITS * (DIGEST_PARTS - 1 - part))
        for part, part_sum in enumerate(sums)
    )
    return _checksum_text(count, digest_sum)


def _hyper_sql_type(spelling: str) -> Any:
    numeric = re.fullmatch(r"numeric\((\d+),(\d+)\)", spelling)
    if numeric:
        return hyper.SqlType.numeric(int(numeric[1]), int(numeric[2]))
    return getattr(hyper.SqlType, spelling)()


def _fsync_path(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _fsync_tree(root: Path) -> None:
    # Files before the folders that name them, so after a crash a renamed release is whole.
    for folder, _, files in os.walk(root, topdown=False):
        for name in files:
            _fsync_path(Path(folder) / name)
        _fsync_path(Path(folder))


def _mart_columns(
    connection: duckdb.DuckDBPyConnection, warehouse: Path
) -> dict[str, tuple[MartColumn, ...]]:
    # Literals, not parameters: the first parameter makes DuckDB's Python client import pandas
    # and numpy, 0.6 s, to see whether it is a data frame.
    source = string_literal(SOURCE_ALIAS)
    tables = [
        name
        for (name,) in connection.execute(
            f"select table_name from duckdb_tables() "
            f"where database_name = {source} and schema_name = 'main'"
        ).fetchall()
    ]
    missing = [mart for mart in REQUIRED_MARTS if mart not in tables]
    if missing:
        raise PublishError(
            f"warehouse {warehouse} has no table {', '.join(missing)}; "
            "run dbt build and the hypothesis script before publishing"
        )
    marts: dict[str, tuple[MartColumn, ...]] = {}
    for mart in tableau_marts(tables):
        if not MART_NAME.fullmatch(mart):
            raise PublishError(f"mart {mart!r} in warehouse {warehouse} is not a usable file name")
        columns = connection.execute(
            "select column_name, data_type from duckdb_columns() "
            f"where database_name = {source} and schema_name = 'main' "
            f"and table_name = {string_literal(mart)} order by column_index"
        ).fetchall()
        marts[mart] = tuple(
            MartColumn(name, data_type, hyper_type(mart, name, data_type))
            for name, data_type in columns
        )
    return marts


def _count(connection: duckdb.DuckDBPyConnection, relation: str) -> int:
    row = connection.execute(f"select count(*) from {relation}").fetchone()
    assert row is not None
    return int(row[0])


def _copy_marts(warehouse: Path, release_dir: Path) -> list[PublishedMart]:
    parquet_dir = release_dir / "parquet"
    parquet_dir.mkdir()
    published = []
    try:
        with duckdb.connect(str(release_dir / SERVING_FILE)) as connection:
            connection.execute(
                f"attach {string_literal(str(warehouse))} as {SOURCE_ALIAS} (read_only)"
            )
            # One transaction reads every mart from the same snapshot of the warehouse.
            connection.begin()
            marts = _mart_columns(connection, warehouse)
            counts = {}
            for mart in marts:
                source = f"{SOURCE_ALIAS}.main.{quote_identifier(mart)}"
                # Ordering on every column makes the copy's row order a function of its contents
                # alone, so the same warehouse always publishes the same files.
                connection.execute(
                    f"create table main.{quote_identifier(mart)} as "
                    f"select * from {source} order by all"
                )
                counts[mart] = _count(connection, source)
            connection.commit()
            # Let go of the warehouse as soon as possible: the next dbt build needs it.
            connection.execute(f"detach {SOURCE_ALIAS}")
            for mart, columns in marts.items():
                table = f"main.{quote_identifier(mart)}"
                parquet = string_literal(str(parquet_dir / f"{mart}.parquet"))
                connection.execute(f"copy {table} to {parquet} (format parquet)")
                copied = relation_checksum(connection, table)
                if _count(connection, table) != counts[mart]:
                    raise PublishError(f"mart {mart}: the copy lost or gained rows")
                if relation_checksum(connection, f"read_parquet({parquet})") != copied:
                    raise PublishError(f"mart {mart}: the Parquet file differs from the table")
                published.append(PublishedMart(mart, counts[mart], copied, columns))
            connection.execute("checkpoint")
    except duckdb.Error as error:
        raise PublishError(f"cannot copy the marts of warehouse {warehouse}: {error}") from error
    return published


def _extract_checksum(
    connection: Any, table: Any, reader: duckdb.DuckDBPyConnection, readback: Path
) -> str:
    """The checksum of what an extract holds. Hyper writes its table back to Parquet and the
    DuckDB `reader` checksums that file, because the Hyper API hands rows to Python one value at
    a time."""
    connection.execute_command(
        f"COPY {table} TO {hyper.escape_string_literal(str(readback))} WITH (FORMAT PARQUET)"
    )
    try:
        return relation_checksum(reader, f"read_parquet({string_literal(str(readback))})")
    finally:
        readback.unlink(missing_ok=True)


def _write_extract(
    endpoint: Any,
    mart: PublishedMart,
    parquet: Path,
    extract: Path,
    reader: duckdb.DuckDBPyConnection,
    readback: Path,
) -> None:
    table = hyper.TableName(HYPER_SCHEMA, mart.name)
    definition = hyper.TableDefinition(
        table,
        [
            hyper.TableDefinition.Column(column.name, _hyper_sql_type(column.hyper_type))
            for column in mart.columns
        ],
    )
    with hyper.Connection(
        endpoint, str(extract), hyper.CreateMode.CREATE_AND_REPLACE
    ) as connection:
        connection.catalog.create_schema_if_not_exists(HYPER_SCHEMA)
        connection.catalog.create_table(definition)
        inserted = connection.execute_command(
            f"COPY {table} FROM {hyper.escape_string_literal(str(parquet))} WITH (FORMAT PARQUET)"
        )
        if inserted != mart.rows:
            raise PublishError(
                f"mart {mart.name}: the Hyper extract got {inserted} rows, the warehouse has "
                f"{mart.rows}"
            )
        if _extract_checksum(connection, table, reader, readback) != mart.checksum:
            raise PublishError(f"mart {mart.name}: the Hyper extract differs from the table")


def _write_extracts(marts: Sequence[PublishedMart], release_dir: Path) -> None:
    hyper_dir = release_dir / "hyper"
    hyper_dir.mkdir()
    # hyperd writes its logs to its working folder unless told otherwise; this keeps them out of
    # the repository and is deleted before the release is sealed.
    log_dir = release_dir / ".hyper-logs"
    log_dir.mkdir()
    parameters = {"log_config": "", "log_dir": str(log_dir)}
    # Hyper writes each extract back here as Parquet to be checked; removed before the seal too.
    readback_dir = release_dir / ".hyper-readback"
    readback_dir.mkdir()
    try:
        with (
            hyper.HyperProcess(
                telemetry=hyper.Telemetry.DO_NOT_SEND_USAGE_DATA_TO_TABLEAU, parameters=parameters
            ) as process,
            duckdb.connect() as reader,
        ):
            for mart in marts:
                extract = hyper_dir / f"{mart.name}.hyper"
                _write_extract(
                    process.endpoint,
                    mart,
                    release_dir / "parquet" / f"{mart.name}.parquet",
                    extract,
                    reader,
                    readback_dir / f"{mart.name}.parquet",
                )
                # hyperd creates extracts readable by owner and group only; Tableau may run as
                # another user, so they get the permissions the umask gave the serving file.
                extract.chmod(stat.S_IMODE((release_dir / SERVING_FILE).stat().st_mode))
    except (hyper.HyperException, duckdb.Error) as error:
        raise PublishError(f"cannot write the Hyper extracts: {error}") from error
    finally:
        shutil.rmtree(log_dir, ignore_errors=True)
        shutil.rmtree(readback_dir, ignore_errors=True)


def _manifest(
    release_id: str, published_at: datetime, warehouse: Path, marts: Sequence[PublishedMart]
) -> dict[str, Any]:
    return {
        "release_id": release_id,
        "published_at_utc": published_at.astimezone(UTC).isoformat(),
        "source_warehouse": str(warehouse),
        "serving_file": SERVING_FILE,
        "hyper_schema": HYPER_SCHEMA,
        "checksum": "row count and the sum of the SHA-256 of every canonical row, modulo 2**256 "
        "(scripts.publish.checksum); "
        "equal for the DuckDB table, the Parquet file and the Hyper extract",
        "marts": [
            {
                "name": mart.name,
                "rows": mart.rows,
                "checksum": mart.checksum,
                "parquet": f"parquet/{mart.name}.parquet",
                "hyper": f"hyper/{mart.name}.hyper",
                "columns": [
                    {
                        "name": column.name,
                        "duckdb_type": column.duckdb_type,
                        "hyper_type": column.hyper_type,
                    }
                    for column in mart.columns
                ],
            }
            for mart in marts
        ],
    }


def _build_release(
    warehouse: Path, releases_dir: Path, release_id: str, published_at: datetime
) -> tuple[PublishedMart, ...]:
    partial = releases_dir / f".{release_id}.partial"
    final = releases_dir / release_id
    if os.path.lexists(partial) or os.path.lexists(final):
        raise PublishError(f"release {release_id} already exists in {releases_dir}")
    partial.mkdir(parents=True)
    try:
        marts = _copy_marts(warehouse, partial)
        _write_extracts(marts, partial)
        manifest = _manifest(release_id, published_at, warehouse, marts)
        (partial / MANIFEST).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        _fsync_tree(partial)
        os.rename(partial, final)
        _fsync_path(releases_dir)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return tuple(marts)


def _switch_current(serving_dir: Path, release_id: str) -> str | None:
    """Point `current` at the release and return the name of the one it pointed at before."""
    current = serving_dir / CURRENT
    previous = None
    if current.is_symlink():
        previous = Path(os.readlink(current)).name
    elif os.path.lexists(current):
        raise PublishError(f"{current} exists and is not a symlink; move it away and publish again")
    temporary = serving_dir / f".{CURRENT}.{release_id}.tmp"
    temporary.unlink(missing_ok=True)
    # Relative, so the serving folder still works when moved or mounted elsewhere.
    os.symlink(Path(RELEASES) / release_id, temporary)
    # rename(2) replaces the name in one step: a reader resolving `current` finds the old target
    # or the new one, never nothing.
    os.replace(temporary, current)
    _fsync_path(serving_dir)
    return previous


def _prune(serving_dir: Path, keep: set[str]) -> None:
    # We hold the lock, so every .partial folder and temporary link is left over from a publish
    # that died. Deleting a release a reader still has open is harmless on Linux: unlinking removes
    # only the name, and the file's data lives on until the reader closes its last descriptor, so
    # the reader keeps its consistent old release while new readers follow `current`.
    for entry in (serving_dir / RELEASES).iterdir():
        if entry.name not in keep:
            # A release that cannot be deleted now is retried by the next publish; this one has
            # already been switched in and must not be reported as failed.
            shutil.rmtree(entry, ignore_errors=True)
    for entry in serving_dir.glob(f".{CURRENT}.*.tmp"):
        entry.unlink(missing_ok=True)


def publish(
    warehouse_path: Path,
    serving_dir: Path,
    *,
    lock_timeout_seconds: float = DEFAULT_LOCK_TIMEOUT_SECONDS,
) -> Release:
    """Copy the Tableau-facing marts of the warehouse into a new release and make it current."""
    warehouse = warehouse_path.absolute()
    if not warehouse.is_file():
        raise PublishError(f"warehouse {warehouse} does not exist; run dbt build")
    serving = serving_dir.absolute()
    serving.mkdir(parents=True, exist_ok=True)
    try:
        with exclusive_lock(serving / LOCK_FILE, lock_timeout_seconds):
            # Taken under the lock, so release ids sort in the order they were published.
            published_at = datetime.now(UTC)
            release_id = new_release_id(published_at, os.getpid())
            marts = _build_release(warehouse, serving / RELEASES, release_id, published_at)
            previous = _switch_current(serving, release_id)
            _prune(serving, {release_id} if previous is None else {release_id, previous})
    except LockBusyError:
        raise PublishError(
            f"another publish still holds {serving / LOCK_FILE} after {lock_timeout_seconds:g} s; "
            "try again when it has finished"
        ) from None
    return Release(
        release_id=release_id,
        directory=serving / RELEASES / release_id,
        serving_file=serving / CURRENT / SERVING_FILE,
        parquet_dir=serving / CURRENT / "parquet",
        hyper_dir=serving / CURRENT / "hyper",
        marts=marts,
    )


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Copy the Tableau-facing marts into the serving area (DuckDB, Parquet, Hyper)."
    )
    add_database_argument(parser)
    parser.add_argument(
        "--serving-dir",
        type=Path,
        help="where releases go (default: a serving folder beside the warehouse file)",
    )
    parser.add_argument(
        "--lock-timeout",
        type=float,
        default=DEFAULT_LOCK_TIMEOUT_SECONDS,
        metavar="SECONDS",
        help="how long to wait for another publish to finish (default: %(default)g)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    serving_dir = arguments.serving_dir or serving_dir_for(arguments.database)
    try:
        release = publish(
            arguments.database, serving_dir, lock_timeout_seconds=arguments.lock_timeout
        )
    except PublishError as error:
        # The message may quote a multi-line DuckDB or Hyper error; the CLI promises one line.
        print("error: " + " ".join(str(error).splitlines()), file=sys.stderr)
        return 2
    print(f"Published release {release.release_id}: {len(release.marts)} marts")
    print(f"Serving DuckDB (open read-only): {release.serving_file}")
    print(f"Hyper extracts: {release.hyper_dir}")
    print(f"Parquet files: {release.parquet_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
