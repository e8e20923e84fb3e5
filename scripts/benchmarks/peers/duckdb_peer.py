"""Peer 1 of the scale benchmark: the published marts computed by one hand-written DuckDB script.

Usage: python -m scripts.benchmarks.peers.duckdb_peer --customers-csv FILE --output DATABASE

The script (hand_written_marts.sql beside this module) is the yardstick the dbt build is measured
against: the same eleven marts from the same file, seeds and project vars, written by hand for
speed. This module only fills in the script's double-braced placeholders (the file, the seeds
folder, the project vars, and the expression for the fields past the header, which depends on the
columns the file has) and runs it on one connection to DATABASE, where the marts are written as
tables.
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import yaml

from scripts.warehouse import PROJECT_DIR

SCRIPT = Path(__file__).with_name("hand_written_marts.sql")
DEFAULT_SEEDS_DIR = PROJECT_DIR / "seeds"
MARTS = (
    "dim_customers",
    "fct_rejected_rows",
    "rpt_data_quality",
    "rpt_product_segments",
    "rpt_segment_churn_profiles",
    "rpt_churn_portrait",
    "rpt_churn_intervals",
    "rpt_churn_segments",
    "rpt_retention_recommendations",
    "fct_customer_churn_risk",
    "rpt_churn_risk_lift",
)
# the encodings DuckDB decodes itself; the project maps the others (cp1251) byte by byte, which
# this peer does not
READ_ENCODINGS = ("utf-8", "utf-16", "latin-1")
DELIMITERS = (",", ";", "\t", "|")
DECIMAL_SEPARATORS = (".", ",")
# the numeric vars the script reads, written into it as the dbt models write them
NUMBER_VARS = (
    "extreme_value_iqr_multiplier",
    "churn_interval_bins",
    "churn_condition_max_share",
    "churn_segment_min_customers",
    "churn_segment_min_lift",
    "churn_top_segments",
    "churn_segment_max_overlap",
)
# the engine settings the project applies before a build (macros/apply_engine_settings.sql):
# a dbt var, else an environment variable, else DuckDB's default
ENGINE_SETTINGS = {
    "memory_limit": ("duckdb_memory_limit", "BANK_DUCKDB_MEMORY_LIMIT"),
    "threads": ("duckdb_threads", "BANK_DUCKDB_THREADS"),
    "temp_directory": ("duckdb_temp_directory", "BANK_DUCKDB_TEMP_DIRECTORY"),
}
PLACEHOLDER = re.compile(r"\{\{ (\w+) \}\}")
COLUMN_POSITION = re.compile(r"column(\d+)")


@dataclass(frozen=True)
class Settings:
    """The project vars the script depends on, as dbt would render them."""

    numbers: Mapping[str, int | float]
    encoding: str
    delimiter: str
    decimal_separator: str
    engine: Mapping[str, str]


def project_settings(
    project_file: Path = PROJECT_DIR / "dbt_project.yml",
    environ: Mapping[str, str] = os.environ,
) -> Settings:
    """The settings from the `vars:` of dbt_project.yml (and the engine's environment)."""
    variables = yaml.safe_load(project_file.read_text(encoding="utf-8"))["vars"]
    numbers: dict[str, int | float] = {}
    for name in NUMBER_VARS:
        value = variables[name]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"var {name} must be a number, got {value!r}")
        numbers[name] = value
    engine: dict[str, str] = {}
    for setting, (var_name, env_name) in ENGINE_SETTINGS.items():
        value = variables.get(var_name, environ.get(env_name, ""))
        if str(value):
            engine[setting] = str(value)
    return Settings(
        numbers=numbers,
        encoding=str(variables["customers_csv_encoding"]).lower(),
        delimiter=str(variables["customers_csv_delimiter"]),
        decimal_separator=str(variables["customers_csv_decimal_separator"]),
        engine=engine,
    )


def sql_text(value: str) -> str:
    """A value for inside a quoted SQL literal."""
    return value.replace("'", "''")


def check_dialect(settings: Settings) -> None:
    if settings.encoding not in READ_ENCODINGS:
        raise ValueError(
            f"customers_csv_encoding '{settings.encoding}' is not supported by this peer: "
            f"use one of {', '.join(READ_ENCODINGS)}"
        )
    if settings.delimiter not in DELIMITERS:
        raise ValueError(
            f"customers_csv_delimiter must be one of , ; | or a tab, got {settings.delimiter!r}"
        )
    if settings.decimal_separator not in DECIMAL_SEPARATORS:
        raise ValueError(
            "customers_csv_decimal_separator must be '.' or ',', "
            f"got {settings.decimal_separator!r}"
        )
    if settings.decimal_separator == settings.delimiter:
        raise ValueError("customers_csv_decimal_separator and customers_csv_delimiter are the same")


def file_columns(
    connection: duckdb.DuckDBPyConnection, customers_csv: Path, settings: Settings
) -> list[str]:
    """The columns the file is read with, lower-cased, in file order (nothing is scanned)."""
    relation = connection.sql(
        f"select * from read_csv('{sql_text(str(customers_csv))}', all_varchar = true, "
        f"header = true, delim = '{sql_text(settings.delimiter)}', quote = '\"', escape = '\"', "
        f"encoding = '{settings.encoding}', comment = '', strict_mode = true, "
        "null_padding = true, max_line_size = 8388608) limit 0"
    )
    return [name.lower() for name in relation.columns]


def overflow_expression(columns: Sequence[str]) -> str:
    """SQL for the text of the fields past the header, NULL when a line has none.

    Such fields arrive as trailing columns named after their position (`column12`); a header
    column left unnamed is called columnN too, but sits before the named ones, so only the
    trailing run counts."""
    overflow: list[str] = []
    for position in range(len(columns) - 1, -1, -1):
        found = COLUMN_POSITION.fullmatch(columns[position])
        if found is None or int(found.group(1)) != position:
            break
        overflow.insert(0, columns[position])
    if not overflow:
        return "cast(null as varchar)"
    quoted = ", ".join('"' + name.replace('"', '""') + '"' for name in overflow)
    return f"nullif(concat_ws(',', {quoted}), '')"


def script_text(values: Mapping[str, str]) -> str:
    """The script with every placeholder filled in; a placeholder without a value is an error."""
    template = SCRIPT.read_text(encoding="utf-8")
    missing = sorted(set(PLACEHOLDER.findall(template)) - set(values))
    if missing:
        raise KeyError(f"no value for placeholder(s) {', '.join(missing)} of {SCRIPT.name}")
    return PLACEHOLDER.sub(lambda found: values[found.group(1)], template)


def run(
    customers_csv: Path,
    output_duckdb: Path,
    *,
    seeds_dir: Path = DEFAULT_SEEDS_DIR,
    settings: Settings | None = None,
) -> None:
    """Computes the marts from `customers_csv` into tables of the DuckDB file `output_duckdb`."""
    settings = settings or project_settings()
    check_dialect(settings)
    customers_csv = customers_csv.resolve()
    with duckdb.connect(str(output_duckdb)) as connection:
        for name, value in settings.engine.items():
            connection.execute(f"set {name} = '{sql_text(value)}'")
        values = {
            "customers_csv": sql_text(str(customers_csv)),
            "seeds_dir": sql_text(str(seeds_dir.resolve())),
            "encoding": sql_text(settings.encoding),
            "delimiter": sql_text(settings.delimiter),
            "decimal_separator": sql_text(settings.decimal_separator),
            "overflow_text": overflow_expression(file_columns(connection, customers_csv, settings)),
            **{name: str(value) for name, value in settings.numbers.items()},
        }
        connection.execute(script_text(values))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers-csv", type=Path, required=True, help="the customer file")
    parser.add_argument("--output", type=Path, required=True, help="DuckDB file for the marts")
    parser.add_argument(
        "--seeds-dir", type=Path, default=DEFAULT_SEEDS_DIR, help="folder of the seed CSV files"
    )
    arguments = parser.parse_args(argv)
    run(arguments.customers_csv, arguments.output, seeds_dir=arguments.seeds_dir)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
