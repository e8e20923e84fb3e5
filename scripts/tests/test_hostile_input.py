"""The hostile-input matrix: each case a small generated customer file and its documented outcome.

Every case is one row of a table below, with its own pytest id and its expected outcome written
out: `Refused` (the build stops and its message names the file, or the var, and the problem) or
`Loaded` (how many rows are kept, which rows are quarantined with which `field:reason`, which rows
carry which non-blocking flag, and values to check). Row numbers are data records, 1 = the first
record after the header, counted within the case.

File-level cases (encoding, delimiter, header, line ends, end of file) each get their own file and
build. Row-level cases share one file and one build; each checks only its own rows. Every file
that loads is reconciled: rows read equals an independent count of its data records made here
with Python's csv module, and equals rows kept plus rows rejected.

Speed: only the models the checks read are built (`+dim_customers +fct_rejected_rows
+rpt_data_quality`, no data or unit tests; the main build runs those), two builds at a time. Each
build runs in one of two workbenches whose warehouse path never changes, so dbt's saved partial
parse stays valid from one build to the next (dbt parses from scratch when the profile, which
holds that path, or the vars change); the finished warehouse is then moved into the case's own
folder, next to the case's file and dbt artifacts.
"""

from __future__ import annotations

import csv
import io
import json
import queue
import re
import shutil
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from scripts.synthetic.schema import HEADER
from scripts.warehouse import DEFAULT_CUSTOMERS_CSV, Warehouse, run_dbt

BUILD_ARGUMENTS = (
    "build",
    "--select",
    "+dim_customers +fct_rejected_rows +rpt_data_quality",
    "--exclude-resource-type",
    "test",
    "--exclude-resource-type",
    "unit_test",
)
PARALLEL_BUILDS = 2
# what BUILD_ARGUMENTS makes: seeds, the staging view, the customer models and the three marts
BUILT_RELATIONS = frozenset(
    (
        "band_edges",
        "city_aliases",
        "customer_field_rules",
        "data_quality_reasons",
        "gender_aliases",
        "single_byte_encodings",
        "base_bank__customers",
        "stg_bank__customers",
        "int_customers__normalised",
        "int_customers__validation_issues",
        "int_customers__validated",
        "int_customers__banded",
        "dim_customers",
        "fct_rejected_rows",
        "rpt_data_quality",
    )
)

# the real file's header, as the sample generator writes it; COLUMNS are the names lower-cased
COLUMNS = tuple(name.lower() for name in HEADER)
NUMBER_COLUMNS = tuple(name for name in COLUMNS if name not in ("city", "gender"))
REQUIRED_FIELDS = (
    "user_id",
    "score",
    "city",
    "gender",
    "equity",
    "products",
    "credit_card",
    "last_activity",
    "est_salary",
    "churn",
)
EXCEL_VARS = {
    "customers_csv_encoding": "cp1251",
    "customers_csv_delimiter": ";",
    "customers_csv_decimal_separator": ",",
}
PLAIN_NUMBER = re.compile(r"[0-9]+(\.[0-9]+)?")


# --- the customers the files are made of ---------------------------------------------------------


def _is_clean(row: Mapping[str, str]) -> bool:
    if not all(PLAIN_NUMBER.fullmatch(row[name]) for name in NUMBER_COLUMNS):
        return False
    return (
        row["city"] in ("Ярославль", "Рыбинск", "Ростов")
        and row["gender"] in ("М", "Ж")
        and row["score"].endswith(".0")
        and 18 <= float(row["age"]) <= 100
        and 1 <= float(row["products"]) <= 4
        and all(row[name] in ("0", "1") for name in ("credit_card", "last_activity", "churn"))
    )


def _templates(count: int = 16) -> tuple[dict[str, str], ...]:
    """Clean customers from the bundled sample, without their ids (each file hands out its own).

    Balance and salary are replaced by an evenly spaced ladder, so no handful of them ever holds
    an amount beyond the far-out fence and trips the non-blocking extreme_value flag by chance.
    """
    rows = []
    with DEFAULT_CUSTOMERS_CSV.open(newline="", encoding="utf-8") as handle:
        for record in csv.DictReader(handle):
            row = {name.strip().lower(): value for name, value in record.items()}
            if _is_clean(row):
                rows.append(row)
            if len(rows) == count:
                break
    assert len(rows) == count, "the bundled sample has too few clean rows"
    return tuple(
        {
            **{name: row[name] for name in COLUMNS if name != "userid"},
            "balance": f"{250_000 + 25_000 * index}.{index + 10}",
            "est_salary": f"{90_000 + 4_000 * index}.{index + 40}",
        }
        for index, row in enumerate(rows)
    )


TEMPLATES = _templates()


def customer(template: int = 0, **changes: str) -> dict[str, str]:
    """A clean customer (without `userid`, unless given) with some fields rewritten."""
    unknown = set(changes) - set(COLUMNS)
    assert not unknown, unknown
    return {**TEMPLATES[template % len(TEMPLATES)], **changes}


def customers(count: int) -> list[dict[str, str]]:
    return [customer(index) for index in range(count)]


def with_decimal_comma(record: Mapping[str, str]) -> dict[str, str]:
    return {
        name: value.replace(".", ",") if name in NUMBER_COLUMNS else value
        for name, value in record.items()
    }


def csv_line(values: Sequence[str], delimiter: str = ",", quoting: int = csv.QUOTE_MINIMAL) -> str:
    """One record as a CSV writer writes it, without the line end."""
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, quoting=quoting, lineterminator="\n").writerow(values)
    return text.getvalue().removesuffix("\n")


def plain_line(values: Sequence[str], delimiter: str = ",") -> str:
    """One record joined by hand, without any quoting (as a careless export writes it)."""
    return delimiter.join(values)


def fields(record: Mapping[str, str], header: Sequence[str] = HEADER) -> list[str]:
    return [record.get(name.strip().lower(), "") for name in header]


def write_customers(
    path: Path,
    records: Iterable[Mapping[str, str] | str],
    *,
    header: Sequence[str] = HEADER,
    delimiter: str = ",",
    encoding: str = "utf-8",
    line_end: str = "\n",
    end_with_line_break: bool = True,
    first_id: int = 500_001,
) -> None:
    """A customer file: a dict is written by the csv module, a str is a line written as is.

    A dict without `userid` gets the next id from `first_id` on.
    """
    next_id = first_id
    lines = [csv_line(header, delimiter)]
    for record in records:
        if isinstance(record, str):
            lines.append(record)
            continue
        if "userid" not in record:
            record = {**record, "userid": str(next_id)}
            next_id += 1
        lines.append(csv_line(fields(record, header), delimiter))
    text = line_end.join(lines) + (line_end if end_with_line_break else "")
    path.write_bytes(text.encode(encoding))


# the long-line cases hold fields of megabytes; the csv module refuses fields over 128 kB
csv.field_size_limit(2**31 - 1)


def count_data_records(path: Path, encoding: str = "utf-8", delimiter: str = ",") -> int:
    """Data records after the header, read by Python's csv module: a quoted line break does not
    end a record; an empty line is no record (a line of blanks or bare delimiters is one)."""
    text = path.read_bytes().decode(encoding)
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"'))
    return sum(1 for record in records[1:] if record)


# --- expected outcomes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Refused:
    """The build stops; each fragment ({path} = the file's path) appears in dbt's output."""

    fragments: tuple[str, ...]


@dataclass(frozen=True)
class Loaded:
    """The file loads: rows not listed in `rejected` are kept.

    rejected: row -> every blocking `field:reason`; flagged: row -> every non-blocking one (kept or
    rejected row); values: row -> columns of dim_customers; raw: row -> columns of
    fct_rejected_rows, the text exactly as written.
    """

    kept: int
    rejected: dict[int, tuple[str, ...]] = field(default_factory=dict)
    flagged: dict[int, tuple[str, ...]] = field(default_factory=dict)
    values: dict[int, dict[str, Any]] = field(default_factory=dict)
    raw: dict[int, dict[str, str]] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return self.kept + len(self.rejected)


@dataclass(frozen=True)
class FileCase:
    id: str
    make_file: Callable[[Path], None]
    expected: Refused | Loaded
    vars: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RowCase:
    id: str
    records: tuple[Mapping[str, str] | str, ...]
    expected: Loaded


def every_required_field_missing() -> tuple[str, ...]:
    return tuple(f"{name}:missing_required_value" for name in REQUIRED_FIELDS)


BOTH_OPTIONAL_FIELDS_MISSING = ("age:missing_optional_value", "balance:missing_optional_value")


# --- file-level cases ----------------------------------------------------------------------------


def _excel_export(path: Path) -> None:
    """What Excel's Russian locale saves as "CSV": Windows-1251, `;`, decimal commas, CRLF."""
    write_customers(
        path,
        [with_decimal_comma(record) for record in customers(5)],
        delimiter=";",
        encoding="cp1251",
        line_end="\r\n",
    )


def _semicolon_file(path: Path) -> None:
    write_customers(path, customers(5), delimiter=";")


def _semicolon_decimal_comma_file(path: Path) -> None:
    write_customers(path, [with_decimal_comma(record) for record in customers(5)], delimiter=";")


def _decimal_comma_in_comma_file(path: Path) -> None:
    """A hand-made export: decimal commas, no quotes. A whole balance survives; a fractional one
    splits in two and pushes every later field one column to the right."""
    row = {
        "score": "850",
        "city": "Ярославль",
        "gender": "М",
        "age": "40",
        "equity": "3",
        "products": "2",
        "credit_card": "1",
        "last_activity": "0",
        "est_salary": "95000,50",
        "churn": "1",
    }
    write_customers(
        path,
        [
            plain_line(fields({**row, "userid": "500001", "balance": "480718,26"})),
            plain_line(
                fields({**row, "userid": "500002", "balance": "480718", "est_salary": "95000"})
            ),
        ],
    )


def _header_in_other_case_and_order(path: Path) -> None:
    header = [" Churn", "est_salary ", "LAST_ACTIVITY", "Credit_Card", "PRODUCTS", "Balance"]
    header += ["EQUITY", "Age", "GENDER", "City", "SCORE", "userid"]
    write_customers(path, customers(5), header=header)


def _extra_columns(path: Path) -> None:
    header = [*HEADER[:3], "BRANCH_NOTE", *HEADER[3:], "comment"]
    records = [{**record, "branch_note": "x", "comment": "ok"} for record in customers(5)]
    write_customers(path, records, header=header)


def _pandas_index_column(path: Path) -> None:
    """`DataFrame.to_csv(path)` keeps the index: a first column with an empty name."""
    header = ["", *HEADER]
    records = [{**record, "": str(index)} for index, record in enumerate(customers(5))]
    write_customers(path, records, header=header)


def _quoted_fields(path: Path) -> None:
    header = [*HEADER, "note"]
    all_quoted = csv_line(
        fields({**customer(0), "userid": "500001"}, header), quoting=csv.QUOTE_ALL
    )
    write_customers(
        path,
        [
            all_quoted,
            customer(1, userid="500002") | {"note": "Звонил, просил\nперезвонить"},
            customer(2, userid="500003") | {"note": 'Сказал "нет", ушёл'},
            customer(3, userid="500004", city="Ростов, Великий"),
            customer(4, userid="500005", city="Рыбинск\r\n"),
            customer(5, userid="500006", score="850,0"),
        ],
        header=header,
    )


def _malformed_quotes(column: str, field_text: str) -> Callable[[Path], None]:
    """Five customers; the third written by hand with `field_text` (quotes and all) in `column`."""

    def make_file(path: Path) -> None:
        lines = [
            csv_line(fields({**customer(index), "userid": f"50000{index + 1}"}))
            for index in range(5)
        ]
        third = fields({**customer(2), "userid": "500003"})
        third[COLUMNS.index(column)] = field_text
        lines[2] = plain_line(third)
        write_customers(path, lines)

    return make_file


def _missing_columns(path: Path) -> None:
    header = [name for name in HEADER if name not in ("age", "churn")]
    write_customers(path, customers(5), header=header)


def _duplicated_header(path: Path) -> None:
    write_customers(path, customers(5), header=[*HEADER, "BALANCE"])


def _truncated_last_line(path: Path) -> None:
    last = customer(4, userid="500005")
    write_customers(
        path,
        [*customers(4), f"{last['userid']},{last['score']},{last['city'][:2]}"],
        end_with_line_break=False,
    )


def _truncated_inside_quoted_field(path: Path) -> None:
    last = customer(4, userid="500005")
    write_customers(
        path,
        [*customers(4), f'{last["userid"]},{last["score"]},"{last["city"][:2]}'],
        end_with_line_break=False,
    )


def _trailing_summary_row(path: Path) -> None:
    rows = customers(5)
    balance = sum(Decimal(row["balance"]) for row in rows)
    salary = sum(Decimal(row["est_salary"]) for row in rows)
    write_customers(path, [*rows, f"Итого,,,,,,{balance},,,,{salary},"])


def _blank_lines(path: Path) -> None:
    rows = customers(5)
    write_customers(path, ["", rows[0], "", rows[1], rows[2], "", "", rows[3], rows[4], "", ""])


TEMPLATE_0_DIM = {
    "user_id": 500_001,
    "city": TEMPLATES[0]["city"],
    "gender": TEMPLATES[0]["gender"],
    "score": int(float(TEMPLATES[0]["score"])),
    "age": int(float(TEMPLATES[0]["age"])),
    "balance": Decimal(TEMPLATES[0]["balance"]),
    "est_salary": Decimal(TEMPLATES[0]["est_salary"]),
    "products": int(TEMPLATES[0]["products"]),
    "is_churned": TEMPLATES[0]["churn"] == "1",
}
SUMMARY_ROW_REASONS = (
    "user_id:not_a_number",
    *(
        f"{name}:missing_required_value"
        for name in REQUIRED_FIELDS
        if name not in ("user_id", "est_salary")
    ),
)

FILE_CASES = [
    FileCase(
        "utf8-with-bom",
        lambda path: write_customers(path, customers(5), encoding="utf-8-sig"),
        Loaded(kept=5, values={1: TEMPLATE_0_DIM}),
    ),
    FileCase(
        "crlf-line-ends",
        lambda path: write_customers(path, customers(5), line_end="\r\n"),
        Loaded(kept=5, values={1: TEMPLATE_0_DIM}),
    ),
    FileCase(
        "excel-export-cp1251-read-as-utf8",
        _excel_export,
        Refused(
            (
                "Customer file '{path}' is not UTF-8 text",
                "customers_csv_encoding: cp1251",
                'customers_csv_delimiter: ";"',
                'customers_csv_decimal_separator: ","',
            )
        ),
    ),
    FileCase(
        "excel-export-with-its-vars",
        _excel_export,
        Loaded(kept=5, values={1: TEMPLATE_0_DIM}),
        vars=EXCEL_VARS,
    ),
    FileCase(
        "excel-export-with-encoding-var-only",
        _excel_export,
        Refused(
            (
                "Customer file '{path}' lacks required column(s): userid, score, city",
                "The header looks separated by ';'",
                'customers_csv_delimiter: ";"',
            )
        ),
        vars={"customers_csv_encoding": "cp1251"},
    ),
    FileCase(
        "semicolon-delimiter-without-var",
        _semicolon_file,
        Refused(
            (
                "Customer file '{path}' lacks required column(s): userid, score, city",
                "The header looks separated by ';'",
                'customers_csv_delimiter: ";"',
            )
        ),
    ),
    FileCase(
        "semicolon-delimiter-with-var",
        _semicolon_file,
        Loaded(kept=5, values={1: TEMPLATE_0_DIM}),
        vars={"customers_csv_delimiter": ";"},
    ),
    FileCase(
        "decimal-comma-without-decimal-var",
        _semicolon_decimal_comma_file,
        Loaded(
            kept=0,
            rejected={
                row: (
                    "age:not_a_number",
                    "balance:not_a_number",
                    "est_salary:not_a_number",
                    "score:not_a_number",
                )
                for row in range(1, 6)
            },
            raw={1: {"balance_raw": TEMPLATES[0]["balance"].replace(".", ",")}},
        ),
        vars={"customers_csv_delimiter": ";"},
    ),
    FileCase(
        "decimal-comma-unquoted-in-comma-file",
        _decimal_comma_in_comma_file,
        Loaded(
            kept=1,
            rejected={
                1: (
                    "churn:out_of_range",
                    "credit_card:out_of_range",
                    "products:out_of_range",
                    "record:wrong_field_count",
                )
            },
            values={2: {"user_id": 500_002, "balance": Decimal("480718.00")}},
            raw={
                1: {
                    "balance_raw": "480718",
                    "products_raw": "26",
                    "churn_raw": "95000",
                    "overflow_text": "50,1",
                }
            },
        ),
    ),
    FileCase(
        "conflicting-vars-decimal-comma-with-comma-delimiter",
        lambda path: write_customers(path, customers(5)),
        Refused(
            (
                "customers_csv_decimal_separator and customers_csv_delimiter are both ','",
                "separated by ';'",
            )
        ),
        vars={"customers_csv_decimal_separator": ","},
    ),
    FileCase(
        "unknown-delimiter-var",
        lambda path: write_customers(path, customers(5)),
        Refused(("customers_csv_delimiter must be one of , ; | or a tab", "got ':'")),
        vars={"customers_csv_delimiter": ":"},
    ),
    FileCase(
        "header-in-other-case-order-and-padding",
        _header_in_other_case_and_order,
        Loaded(kept=5, values={1: TEMPLATE_0_DIM}),
    ),
    FileCase(
        "extra-columns",
        _extra_columns,
        Loaded(kept=5, values={1: TEMPLATE_0_DIM}),
    ),
    FileCase(
        "extra-unnamed-index-column",
        _pandas_index_column,
        Loaded(kept=5, values={1: TEMPLATE_0_DIM}),
    ),
    FileCase(
        "quoted-fields-with-delimiters-and-newlines",
        _quoted_fields,
        Loaded(
            kept=4,
            rejected={4: ("city:unknown_category",), 6: ("score:not_a_number",)},
            values={1: TEMPLATE_0_DIM, 5: {"user_id": 500_005, "city": "Рыбинск"}},
            raw={4: {"city_raw": "Ростов, Великий"}, 6: {"score_raw": "850,0"}},
        ),
    ),
    FileCase(
        "unescaped-quotes-inside-quoted-field",
        _malformed_quotes("city", '"Рыбинск "центр""'),
        Refused(("Customer file '{path}' has text after a closing quote on line 4",)),
    ),
    FileCase(
        "text-after-closing-quote-in-cyrillic-field",
        _malformed_quotes("city", '"Ярославль" центр'),
        Refused(("Customer file '{path}' has text after a closing quote on line 4",)),
    ),
    FileCase(
        "text-after-closing-quote-in-a-number",
        _malformed_quotes("balance", '"4807"18.26'),
        # a lenient reader would keep 480718.2, a value the file does not hold
        Refused(("Customer file '{path}' has text after a closing quote on line 4",)),
    ),
    FileCase(
        "line-longer-than-duckdbs-default",
        # 2.2 MB, over DuckDB's 2 MB default line size and within the project's 8 MB
        lambda path: write_customers(path, [*customers(2), customer(2, city="Я" * 1_100_000)]),
        Loaded(kept=2, rejected={3: ("city:unknown_category",)}),
    ),
    FileCase(
        "missing-required-columns",
        _missing_columns,
        Refused(("Customer file '{path}' lacks required column(s): age, churn. Columns found:",)),
    ),
    FileCase(
        "duplicated-header-column",
        _duplicated_header,
        Refused(("Customer file '{path}' names column balance more than once in its header",)),
    ),
    FileCase(
        "header-only",
        lambda path: write_customers(path, []),
        Refused(("Customer file '{path}' has a header but no data rows.",)),
    ),
    FileCase(
        "zero-bytes",
        lambda path: path.write_bytes(b""),
        Refused(("Customer file '{path}' is empty (0 bytes).",)),
    ),
    FileCase(
        "only-blank-lines",
        lambda path: path.write_bytes("\ufeff\r\n  \r\n\t\r\n".encode()),
        Refused(("Customer file '{path}' is empty (12 bytes).",)),
    ),
    FileCase(
        "truncated-last-line",
        _truncated_last_line,
        Loaded(
            kept=4,
            rejected={
                5: (
                    "city:unknown_category",
                    *(
                        f"{name}:missing_required_value"
                        for name in REQUIRED_FIELDS
                        if name not in ("user_id", "score", "city")
                    ),
                )
            },
            flagged={5: BOTH_OPTIONAL_FIELDS_MISSING},
            raw={5: {"city_raw": TEMPLATES[4]["city"][:2]}},
        ),
    ),
    FileCase(
        "truncated-inside-quoted-field",
        _truncated_inside_quoted_field,
        Refused(("Customer file '{path}' has a quote opened on line 6 that is never closed",)),
    ),
    FileCase(
        "trailing-summary-row",
        _trailing_summary_row,
        Loaded(
            kept=5,
            rejected={6: SUMMARY_ROW_REASONS},
            flagged={6: ("age:missing_optional_value",)},
            raw={6: {"user_id_raw": "Итого"}},
        ),
    ),
    FileCase(
        "blank-lines",
        _blank_lines,
        Loaded(kept=5, values={1: TEMPLATE_0_DIM}),
    ),
]

# --- row-level cases, all in one file ------------------------------------------------------------

NON_NUMERIC_TEXT = {
    "userid": ("user_id", "ID-114012"),
    "score": ("score", "высокий"),
    "age": ("age", "сорок"),
    "equity": ("equity", "5 баллов"),
    "balance": ("balance", "1 000.50"),
    "products": ("products", "two"),
    "credit_card": ("credit_card", "да"),
    "last_activity": ("last_activity", "true"),
    "est_salary": ("est_salary", "75719.14 руб."),
    "churn": ("churn", "ушёл"),
}
PADDED = {name: f" \t{value} " for name, value in customer(1).items()}
METACHARACTER_CITIES = (
    "<script>alert('x')</script>",
    "Ярославль'); DROP TABLE dim_customers; --",
    'Robert"); DELETE FROM fct_rejected_rows; --',
    "{{ run_query('drop table rpt_data_quality') }}",
    "%s; select 1 /* \\",
)
CONTROL_CHARACTERS = (
    customer(city="Ярос\x00лавль"),
    customer(gender="М\x07"),
    customer(score="850.0\x1b"),
    customer(balance="\x0c480718.26"),
    customer(churn="0\x7f"),
)
DUPLICATE = customer(3, userid="900001")
LONG_CITY = "Я" * 100_000

ROW_CASES = [
    RowCase("clean-rows", tuple(customers(12)), Loaded(kept=12)),
    *(
        RowCase(
            f"non-numeric-text-in-{column}",
            (customer(index, **{column: text}),),
            Loaded(kept=0, rejected={1: (f"{field_name}:not_a_number",)}),
        )
        for index, (column, (field_name, text)) in enumerate(NON_NUMERIC_TEXT.items())
    ),
    RowCase(
        "text-nan",
        (customer(score="nan"), customer(balance="NaN"), customer(est_salary="inf")),
        Loaded(
            kept=0,
            rejected={
                1: ("score:not_a_number",),
                2: ("balance:not_a_number",),
                3: ("est_salary:not_a_number",),
            },
        ),
    ),
    RowCase(
        "text-NULL",
        (customer(score="NULL"), customer(age="NULL"), customer(balance="null")),
        Loaded(
            kept=0,
            rejected={
                1: ("score:not_a_number",),
                2: ("age:not_a_number",),
                3: ("balance:not_a_number",),
            },
        ),
    ),
    RowCase(
        "text-dash",
        (customer(balance="-"), customer(age="-"), customer(products="-")),
        Loaded(
            kept=0,
            rejected={
                1: ("balance:not_a_number",),
                2: ("age:not_a_number",),
                3: ("products:not_a_number",),
            },
        ),
    ),
    RowCase(
        "empty-string",
        (
            customer(score=""),
            customer(city=""),
            customer(balance=""),
            customer(age=""),
            csv_line(fields(customer(userid="900010", balance="")), quoting=csv.QUOTE_ALL),
        ),
        Loaded(
            kept=3,
            rejected={1: ("score:missing_required_value",), 2: ("city:missing_required_value",)},
            flagged={
                3: ("balance:missing_optional_value",),
                4: ("age:missing_optional_value",),
                5: ("balance:missing_optional_value",),
            },
            values={
                3: {"balance": None, "has_balance": False},
                4: {"age": None, "has_age": False},
                5: {"user_id": 900_010, "balance": None, "has_balance": False},
            },
        ),
    ),
    RowCase(
        "negative-values",
        (
            customer(balance="-100.00"),
            customer(age="-30"),
            customer(score="-850.0"),
            customer(est_salary="-1"),
        ),
        Loaded(
            kept=0,
            rejected={
                1: ("balance:out_of_range",),
                2: ("age:out_of_range",),
                3: ("score:out_of_range",),
                4: ("est_salary:out_of_range",),
            },
        ),
    ),
    RowCase(
        "zero-values",
        (
            customer(products="0"),
            customer(balance="0"),
            customer(score="0"),
            customer(est_salary="0"),
            customer(age="0"),
        ),
        Loaded(
            kept=3,
            rejected={1: ("products:no_products",), 5: ("age:out_of_range",)},
            values={
                2: {"balance": Decimal("0.00"), "has_balance": True},
                3: {"score": 0},
                4: {"est_salary": Decimal("0.00")},
            },
        ),
    ),
    RowCase(
        "absurd-values",
        (
            customer(age="250"),
            customer(score="5000"),
            customer(products="99"),
            customer(balance="1000000000000"),
            customer(equity="10"),
        ),
        Loaded(
            kept=0,
            rejected={
                1: ("age:out_of_range",),
                2: ("score:out_of_range",),
                3: ("products:out_of_range",),
                4: ("balance:out_of_range",),
                5: ("equity:out_of_range",),
            },
        ),
    ),
    RowCase(
        "extreme-but-possible-balance",
        (customer(balance="5000000000.00"),),
        Loaded(
            kept=1,
            flagged={1: ("balance:extreme_value",)},
            values={1: {"balance": Decimal("5000000000.00"), "is_balance_extreme": True}},
        ),
    ),
    RowCase(
        "too-many-decimals",
        (customer(products="1.5"), customer(balance="100.005"), customer(age="30.5")),
        Loaded(
            kept=0,
            rejected={
                1: ("products:too_many_decimals",),
                2: ("balance:too_many_decimals",),
                3: ("age:too_many_decimals",),
            },
        ),
    ),
    RowCase(
        "scientific-notation-and-signs",
        (customer(score="8.5E+2"), customer(balance="2.5e5"), customer(age="+41")),
        Loaded(
            kept=3,
            values={1: {"score": 850}, 2: {"balance": Decimal("250000.00")}, 3: {"age": 41}},
        ),
    ),
    RowCase(
        "gender-latin-m-and-f",
        (customer(gender="M"), customer(gender="F"), customer(gender="m"), customer(gender="f")),
        Loaded(
            kept=4,
            values={
                1: {"gender": "М", "gender_en": "male"},
                2: {"gender": "Ж", "gender_en": "female"},
                3: {"gender": "М"},
                4: {"gender": "Ж"},
            },
        ),
    ),
    RowCase(
        "gender-lower-case-and-words",
        (
            customer(gender="м"),
            customer(gender="ж"),
            customer(gender="МУЖ"),
            customer(gender="Female"),
        ),
        Loaded(
            kept=4,
            values={1: {"gender": "М"}, 2: {"gender": "Ж"}, 3: {"gender": "М"}, 4: {"gender": "Ж"}},
        ),
    ),
    RowCase(
        "gender-unknown",
        (customer(gender="X"), customer(gender="М/Ж"), customer(gender="мужчина")),
        Loaded(kept=0, rejected={row: ("gender:unknown_category",) for row in (1, 2, 3)}),
    ),
    RowCase(
        "unknown-city",
        (customer(city="Москва"), customer(city="Ростов-на-Дону"), customer(city="Ярославль-2")),
        Loaded(
            kept=0,
            rejected={row: ("city:unknown_category",) for row in (1, 2, 3)},
            raw={1: {"city_raw": "Москва"}},
        ),
    ),
    RowCase(
        "city-aliases-and-case",
        (
            customer(city="ЯРОСЛАВЛЬ"),
            customer(city="yaroslavl"),
            customer(city="Ростов Великий"),
            customer(city="RYBINSK"),
        ),
        Loaded(
            kept=4,
            values={
                1: {"city": "Ярославль", "city_code": "YAR"},
                2: {"city": "Ярославль"},
                3: {"city": "Ростов", "city_code": "ROS"},
                4: {"city": "Рыбинск"},
            },
        ),
    ),
    RowCase(
        "whitespace-around-values",
        ({**PADDED, "userid": " \t900020 "},),
        Loaded(
            kept=1,
            values={
                1: {
                    "user_id": 900_020,
                    "city": TEMPLATES[1]["city"],
                    "gender": TEMPLATES[1]["gender"],
                    "score": int(float(TEMPLATES[1]["score"])),
                    "balance": Decimal(TEMPLATES[1]["balance"]),
                    "is_churned": TEMPLATES[1]["churn"] == "1",
                }
            },
        ),
    ),
    RowCase(
        "non-breaking-space-around-values",
        (customer(balance="480718.26\u00a0"), customer(city="\u00a0Рыбинск")),
        Loaded(kept=2, values={1: {"balance": Decimal("480718.26")}, 2: {"city": "Рыбинск"}}),
    ),
    RowCase(
        "exact-duplicate-rows",
        (DUPLICATE, DUPLICATE, {**DUPLICATE, "score": DUPLICATE["score"].removesuffix(".0")}),
        Loaded(
            kept=1,
            rejected={2: ("record:exact_duplicate_row",), 3: ("record:exact_duplicate_row",)},
            values={1: {"user_id": 900_001}},
        ),
    ),
    RowCase(
        "same-id-same-city-different-values",
        (
            customer(4, userid="900002", city="Рыбинск"),
            customer(5, userid="900002", city=" рыбинск"),
        ),
        Loaded(
            kept=0,
            rejected={
                1: ("user_id:conflicting_customer_key",),
                2: ("user_id:conflicting_customer_key",),
            },
        ),
    ),
    RowCase(
        "same-id-in-two-cities",
        (
            customer(6, userid="900003", city="Ярославль"),
            customer(7, userid="900003", city="Ростов"),
        ),
        Loaded(
            kept=2,
            flagged={1: ("user_id:shared_user_id",), 2: ("user_id:shared_user_id",)},
            values={
                1: {"customer_id": "900003-YAR", "has_shared_user_id": True},
                2: {"customer_id": "900003-ROS", "has_shared_user_id": True},
            },
        ),
    ),
    RowCase(
        "very-long-line",
        (customer(city=LONG_CITY),),
        Loaded(kept=0, rejected={1: ("city:unknown_category",)}, raw={1: {"city_raw": LONG_CITY}}),
    ),
    RowCase(
        "control-characters",
        CONTROL_CHARACTERS,
        Loaded(
            kept=0,
            rejected={
                1: ("city:unknown_category",),
                2: ("gender:unknown_category",),
                3: ("score:not_a_number",),
                4: ("balance:not_a_number",),
                5: ("churn:not_a_number",),
            },
            raw={
                1: {"city_raw": "Ярос\x00лавль"},
                2: {"gender_raw": "М\x07"},
                3: {"score_raw": "850.0\x1b"},
                4: {"balance_raw": "\x0c480718.26"},
                5: {"churn_raw": "0\x7f"},
            },
        ),
    ),
    RowCase(
        "html-sql-metacharacters-in-city",
        tuple(customer(city=city) for city in METACHARACTER_CITIES),
        Loaded(
            kept=0,
            rejected={row: ("city:unknown_category",) for row in range(1, 6)},
            raw={row: {"city_raw": city} for row, city in enumerate(METACHARACTER_CITIES, 1)},
        ),
    ),
    RowCase(
        "blank-and-delimiters-only-lines",
        ("   ", "," * (len(HEADER) - 1)),
        Loaded(
            kept=0,
            rejected={
                1: every_required_field_missing(),
                # once parsed, an all-empty record repeats the one before it
                2: (*every_required_field_missing(), "record:exact_duplicate_row"),
            },
            flagged={1: BOTH_OPTIONAL_FIELDS_MISSING, 2: BOTH_OPTIONAL_FIELDS_MISSING},
            raw={1: {"user_id_raw": "   "}, 2: {"user_id_raw": None, "city_raw": None}},
        ),
    ),
    RowCase(
        "extra-field-in-one-row",
        (plain_line([*fields(customer(userid="900004")), "surplus"]),),
        Loaded(
            kept=0,
            rejected={1: ("record:wrong_field_count",)},
            raw={1: {"user_id_raw": "900004", "overflow_text": "surplus"}},
        ),
    ),
]


def _row_offsets(cases: Sequence[RowCase]) -> dict[str, int]:
    offsets, position = {}, 0
    for case in cases:
        offsets[case.id] = position
        position += len(case.records)
    return offsets


ROW_OFFSETS = _row_offsets(ROW_CASES)
ROW_CASES_FILE = "row-cases"


def write_row_cases_file(path: Path) -> None:
    write_customers(
        path, [record for case in ROW_CASES for record in case.records], first_id=600_001
    )


# --- building ------------------------------------------------------------------------------------


Job = tuple[str, Callable[[Path], None], Mapping[str, str]]


@dataclass(frozen=True)
class Built:
    """One build: `path_given` is the path dbt read the file at (its messages name it); the
    file itself, the warehouse and dbt's artifacts are kept in the case's own folder."""

    path_given: Path
    customers_csv: Path
    warehouse: Warehouse
    returncode: int
    output: str
    seconds: float


class Workbench:
    """Where dbt builds: the same file and warehouse paths from build to build, so that dbt's
    saved partial parse stays valid; after each build both move to the case's folder. (The
    staging view in a moved warehouse still reads the workbench's path: query its tables.)"""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True)
        self.scratch = Warehouse(root / "customers.csv", root / "bank.duckdb")
        self.saved_parses: dict[str, Path] = {}

    def build(self, job: Job, case_dir: Path) -> Built:
        _, make_file, dbt_vars = job
        make_file(self.scratch.customers_csv)
        vars_text = json.dumps(dict(dbt_vars), sort_keys=True, ensure_ascii=False)
        target = case_dir / "dbt" / "target"
        target.mkdir(parents=True)
        if vars_text in self.saved_parses:
            shutil.copyfile(self.saved_parses[vars_text], target / "partial_parse.msgpack")
        arguments = [*BUILD_ARGUMENTS, *(["--vars", vars_text] if dbt_vars else [])]
        started = time.monotonic()
        result = run_dbt(
            arguments, self.scratch, artifacts_dir=case_dir / "dbt", capture_output=True
        )
        seconds = time.monotonic() - started
        if (target / "partial_parse.msgpack").is_file():
            saved = self.root / f"parse-{len(self.saved_parses)}.msgpack"
            shutil.copyfile(target / "partial_parse.msgpack", saved)
            self.saved_parses[vars_text] = saved
        for produced in sorted(self.root.glob("bank.duckdb*")):
            shutil.move(produced, case_dir / produced.name)
        shutil.move(self.scratch.customers_csv, case_dir / "customers.csv")
        return Built(
            path_given=self.scratch.customers_csv,
            customers_csv=case_dir / "customers.csv",
            warehouse=Warehouse(case_dir / "customers.csv", case_dir / "bank.duckdb"),
            returncode=result.returncode,
            output=result.stdout,
            seconds=seconds,
        )


def _build_all(jobs: Sequence[Job], root: Path) -> dict[str, Built]:
    workbenches: queue.Queue[Workbench] = queue.Queue()
    for number in range(PARALLEL_BUILDS):
        workbenches.put(Workbench(root / f"workbench-{number}"))

    def build_one(job: Job) -> Built:
        case_dir = root / job[0]
        case_dir.mkdir()
        workbench = workbenches.get()
        try:
            return workbench.build(job, case_dir)
        finally:
            workbenches.put(workbench)

    with ThreadPoolExecutor(max_workers=PARALLEL_BUILDS) as pool:
        return {job[0]: built for job, built in zip(jobs, pool.map(build_one, jobs), strict=True)}


@pytest.fixture(scope="module")
def builds(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Built]:
    """Every build the selected tests of this module need, made once, two at a time: the
    row-cases file first, then the file cases with the default vars, then those with vars."""
    items = [
        item
        for item in request.session.items
        if getattr(item, "module", None) is sys.modules[__name__]
    ]
    selected = [item.callspec.params["case"] for item in items if hasattr(item, "callspec")]
    wanted = {case.id for case in selected if isinstance(case, FileCase)}
    jobs: list[Job] = []
    if any(isinstance(case, RowCase) for case in selected) or any(
        getattr(item, "originalname", "") == "test_row_cases_file_reconciles" for item in items
    ):
        jobs.append((ROW_CASES_FILE, write_row_cases_file, {}))
    cases = sorted(
        (case for case in FILE_CASES if case.id in wanted),
        key=lambda case: (bool(case.vars), json.dumps(case.vars, sort_keys=True)),
    )
    jobs += [(case.id, case.make_file, case.vars) for case in cases]
    started = time.monotonic()
    built = _build_all(jobs, tmp_path_factory.mktemp("hostile"))
    print(f"\n{len(jobs)} hostile-input builds in {time.monotonic() - started:.0f} s:")
    for name, one in built.items():
        print(f"  {one.seconds:5.1f} s  {name}")
    return built


# --- checks --------------------------------------------------------------------------------------


def query(warehouse: Warehouse, sql: str, *parameters: object) -> list[dict[str, Any]]:
    with duckdb.connect(str(warehouse.duckdb_path), read_only=True) as connection:
        cursor = connection.execute(sql, list(parameters))
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def relation_names(warehouse: Warehouse) -> set[str]:
    if not warehouse.duckdb_path.is_file():
        return set()
    return {
        row["table_name"] for row in query(warehouse, "select table_name from duckdb_tables()")
    } | {row["view_name"] for row in query(warehouse, "select view_name from duckdb_views()")}


def reported_counts(warehouse: Warehouse) -> dict[str, int]:
    rows = query(warehouse, "select metric_id, row_count from rpt_data_quality")
    return {row["metric_id"]: int(row["row_count"]) for row in rows}


def split_reasons(text: str | None) -> tuple[str, ...]:
    return tuple(sorted(text.split(", "))) if text else ()


def assert_tables_intact(warehouse: Warehouse) -> None:
    """Every relation the build makes exists, every table can be read, and the marts agree with
    each other: read = kept + rejected, row for row."""
    assert not BUILT_RELATIONS - relation_names(warehouse)
    for name in sorted(BUILT_RELATIONS - {"stg_bank__customers"}):
        query(warehouse, f"select count(*) from {name}")
    counts = reported_counts(warehouse)
    customers_count = query(warehouse, "select count(*) as n from dim_customers")[0]["n"]
    rejected_count = query(warehouse, "select count(*) as n from fct_rejected_rows")[0]["n"]
    assert counts["rows_kept"] == customers_count
    assert counts["rows_rejected"] == rejected_count
    assert counts["rows_read"] == counts["rows_kept"] + counts["rows_rejected"]


def assert_rows_match(warehouse: Warehouse, expected: Loaded, offset: int = 0) -> None:
    """The case's rows (offset + 1 .. offset + expected.rows) have exactly the expected outcome."""
    first, last = offset + 1, offset + expected.rows
    verdicts = query(
        warehouse,
        "select source_row_number, is_rejected, rejection_reasons, flag_reasons "
        "from int_customers__validated where source_row_number between ? and ? "
        "order by source_row_number",
        first,
        last,
    )
    assert [row["source_row_number"] for row in verdicts] == list(range(first, last + 1))
    rejected = {
        row["source_row_number"] - offset: split_reasons(row["rejection_reasons"])
        for row in verdicts
        if row["is_rejected"]
    }
    assert rejected == {row: tuple(sorted(reasons)) for row, reasons in expected.rejected.items()}
    flagged = {
        row["source_row_number"] - offset: split_reasons(row["flag_reasons"])
        for row in verdicts
        if row["flag_reasons"]
    }
    assert flagged == {row: tuple(sorted(reasons)) for row, reasons in expected.flagged.items()}

    quarantined = query(
        warehouse,
        "select * from fct_rejected_rows where source_row_number between ? and ?",
        first,
        last,
    )
    by_row = {row["source_row_number"] - offset: row for row in quarantined}
    assert set(by_row) == set(expected.rejected)
    for row, columns in expected.raw.items():
        assert {name: by_row[row][name] for name in columns} == columns, row

    kept = query(
        warehouse,
        "select * from dim_customers where source_row_number between ? and ?",
        first,
        last,
    )
    kept_by_row = {row["source_row_number"] - offset: row for row in kept}
    assert len(kept_by_row) == expected.kept
    assert set(kept_by_row).isdisjoint(expected.rejected)
    for row, columns in expected.values.items():
        assert {name: kept_by_row[row][name] for name in columns} == columns, row


def expected_reason_counts(outcomes: Iterable[tuple[int, Loaded]]) -> Counter[str]:
    """`reason:<code>` and `reason:<code>:<field>` row counts the expected outcomes add up to."""
    counts: Counter[str] = Counter()
    for offset, loaded in outcomes:
        rows = {
            offset + row: set(loaded.rejected.get(row, ())) | set(loaded.flagged.get(row, ()))
            for row in set(loaded.rejected) | set(loaded.flagged)
        }
        for reasons in rows.values():
            counts.update({f"reason:{reason.split(':')[1]}" for reason in reasons})
            counts.update(
                f"reason:{reason.split(':')[1]}:{reason.split(':')[0]}" for reason in reasons
            )
    return counts


def assert_reconciles(built: Built, outcomes: Sequence[tuple[int, Loaded]], records: int) -> None:
    """Rows read = an independent count of the file's records = rows kept + rows rejected, and
    every reason count matches the expected outcomes."""
    reported = reported_counts(built.warehouse)
    kept = sum(loaded.kept for _, loaded in outcomes)
    rejected = sum(len(loaded.rejected) for _, loaded in outcomes)
    assert reported["rows_read"] == records
    assert (reported["rows_kept"], reported["rows_rejected"]) == (kept, rejected)
    assert reported["rows_read"] == reported["rows_kept"] + reported["rows_rejected"]
    reasons = {
        metric: count
        for metric, count in reported.items()
        if metric.startswith("reason:") and count > 0
    }
    assert reasons == dict(expected_reason_counts(outcomes))
    assert_tables_intact(built.warehouse)


def _failure_context(built: Built) -> str:
    return f"exit code {built.returncode}, dbt output:\n{built.output[-4000:]}"


def _file_case_params(kind: type) -> list[Any]:
    return [
        pytest.param(case, id=case.id) for case in FILE_CASES if isinstance(case.expected, kind)
    ]


# --- the tests -----------------------------------------------------------------------------------


def test_case_ids_are_unique() -> None:
    ids = [case.id for case in FILE_CASES] + [case.id for case in ROW_CASES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("case", _file_case_params(Refused))
def test_file_is_refused_naming_file_and_problem(case: FileCase, builds: dict[str, Built]) -> None:
    assert isinstance(case.expected, Refused)
    built = builds[case.id]
    assert built.returncode != 0, _failure_context(built)
    for fragment in case.expected.fragments:
        assert fragment.format(path=built.path_given) in built.output, _failure_context(built)
    # nothing was read into the warehouse, let alone published
    assert not {"base_bank__customers", "stg_bank__customers", "dim_customers"} & relation_names(
        built.warehouse
    )


@pytest.mark.parametrize("case", _file_case_params(Loaded))
def test_file_loads_with_documented_outcome(case: FileCase, builds: dict[str, Built]) -> None:
    assert isinstance(case.expected, Loaded)
    built = builds[case.id]
    assert built.returncode == 0, _failure_context(built)
    records = count_data_records(
        built.customers_csv,
        case.vars.get("customers_csv_encoding", "utf-8"),
        case.vars.get("customers_csv_delimiter", ","),
    )
    assert records == case.expected.rows
    assert_reconciles(built, [(0, case.expected)], records)
    assert_rows_match(built.warehouse, case.expected)


@pytest.mark.parametrize("case", [pytest.param(case, id=case.id) for case in ROW_CASES])
def test_row_has_documented_outcome(case: RowCase, builds: dict[str, Built]) -> None:
    built = builds[ROW_CASES_FILE]
    assert built.returncode == 0, _failure_context(built)
    assert len(case.records) == case.expected.rows
    assert_rows_match(built.warehouse, case.expected, ROW_OFFSETS[case.id])
    assert_tables_intact(built.warehouse)


def test_row_cases_file_reconciles(builds: dict[str, Built]) -> None:
    built = builds[ROW_CASES_FILE]
    assert built.returncode == 0, _failure_context(built)
    records = count_data_records(built.customers_csv)
    assert records == sum(len(row_case.records) for row_case in ROW_CASES)
    assert_reconciles(
        built, [(ROW_OFFSETS[row_case.id], row_case.expected) for row_case in ROW_CASES], records
    )
