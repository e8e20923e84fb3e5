"""An independent pandas reading of the customer file, to check the warehouse's figures against.

It applies the documented validation policy in plain Python and pandas, sharing only the
analyst-edited rules and alias seeds with dbt, never its SQL.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"
EXTREME_VALUE_IQR_MULTIPLIER = 3
PLAIN_NUMBER = re.compile(r"[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?")
FILE_COLUMNS = {
    "userid": "user_id",
    "score": "score",
    "city": "city",
    "gender": "gender",
    "age": "age",
    "equity": "equity",
    "balance": "balance",
    "products": "products",
    "credit_card": "credit_card",
    "last_activity": "last_activity",
    "est_salary": "est_salary",
    "churn": "churn",
}


@dataclass(frozen=True)
class QualityFigures:
    rows_read: int
    rejected_rows: frozenset[int]
    rows_per_reason: dict[str, int]
    rows_per_reason_and_field: dict[tuple[str, str], int]
    customers: pd.DataFrame


def read_raw(path: Path) -> pd.DataFrame:
    """Every data line as text, short lines padded, extra fields kept in `overflow`."""
    with path.open(newline="", encoding="utf-8") as handle:
        lines = list(csv.reader(handle))
    header = [name.strip().lower() for name in lines[0]]
    positions = {name: header.index(name) for name in FILE_COLUMNS}
    records = []
    for fields in lines[1:]:
        padded = fields + [""] * (len(header) - len(fields))
        record = {FILE_COLUMNS[name]: padded[index] for name, index in positions.items()}
        extra = [value for value in fields[len(header) :] if value != ""]
        record["overflow"] = ",".join(extra)
        records.append(record)
    frame = pd.DataFrame.from_records(records, columns=[*FILE_COLUMNS.values(), "overflow"])
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="source_row_number")
    return frame


def _aliases(seed: str, target: str) -> dict[str, str]:
    table = pd.read_csv(SEEDS_DIR / f"{seed}.csv", dtype=str)
    return dict(zip(table["alias"], table[target], strict=True))


def _parse(text: str) -> float:
    return float(text) if PLAIN_NUMBER.fullmatch(text) else np.nan


def quality_figures(path: Path) -> QualityFigures:
    raw = read_raw(path)
    trimmed = raw.apply(lambda column: column.str.strip())
    rules = pd.read_csv(SEEDS_DIR / "customer_field_rules.csv").set_index("field_name")
    blocking = (
        pd.read_csv(SEEDS_DIR / "data_quality_reasons.csv")
        .set_index("reason_code")["is_blocking"]
        .to_dict()
    )
    numbers = pd.DataFrame(
        {
            field: trimmed[field].map(_parse)
            for field in rules.index[rules["field_type"] == "number"]
        }
    )
    categories = pd.DataFrame(
        {
            "city": trimmed["city"].str.lower().map(_aliases("city_aliases", "city")),
            "gender": trimmed["gender"].str.lower().map(_aliases("gender_aliases", "gender")),
        }
    )

    issues: list[tuple[int, str, str]] = []
    for field, rule in rules.iterrows():
        field_name = str(field)
        for row, text in trimmed[field_name].items():
            reason = _field_reason(text, rule, numbers, categories, field_name, int(row))
            if reason:
                issues.append((int(row), field_name, reason))
    issues += [
        (int(row), "record", "wrong_field_count") for row in raw.index[raw["overflow"] != ""]
    ]
    issues += [
        (int(row), "products", "no_products") for row in numbers.index[numbers["products"] == 0]
    ]

    blocked = {row for row, _, reason in issues if blocking[reason]}
    valid = ~numbers.index.isin(sorted(blocked))

    for field in ("balance", "est_salary"):
        values = numbers.loc[valid, field].dropna()
        first, third = values.quantile(0.25), values.quantile(0.75)
        fence = third + EXTREME_VALUE_IQR_MULTIPLIER * (third - first)
        issues += [(int(row), field, "extreme_value") for row in values.index[values > fence]]

    compared = numbers.join(categories).join(raw["overflow"])
    copies = compared.duplicated(keep="first")
    issues += [(int(row), "record", "exact_duplicate_row") for row in raw.index[copies]]
    claims = compared.loc[~copies & valid, ["user_id", "city"]].dropna()
    key_counts = claims.groupby(["user_id", "city"])["city"].transform("size")
    issues += [
        (int(row), "user_id", "conflicting_customer_key") for row in claims.index[key_counts > 1]
    ]
    cities_per_id = claims.groupby("user_id")["city"].transform("nunique")
    issues += [(int(row), "user_id", "shared_user_id") for row in claims.index[cities_per_id > 1]]

    unique_issues = set(issues)
    rejected = frozenset(row for row, _, reason in unique_issues if blocking[reason])
    kept = raw.index.difference(sorted(rejected))
    customers = numbers.loc[kept].join(categories.loc[kept])
    return QualityFigures(
        rows_read=len(raw),
        rejected_rows=rejected,
        rows_per_reason=dict(
            Counter(reason for _, reason in {(row, reason) for row, _, reason in unique_issues})
        ),
        rows_per_reason_and_field=dict(
            Counter((reason, field) for _, field, reason in unique_issues)
        ),
        customers=customers,
    )


def _field_reason(
    text: str,
    rule: pd.Series,
    numbers: pd.DataFrame,
    categories: pd.DataFrame,
    field: str,
    row: int,
) -> str | None:
    if text == "":
        return "missing_required_value" if rule["is_required"] else "missing_optional_value"
    if rule["field_type"] == "category":
        return "unknown_category" if pd.isna(categories.at[row, field]) else None
    value = numbers.at[row, field]
    if pd.isna(value):
        return "not_a_number"
    if value < rule["min_value"] or value > rule["max_value"]:
        return "out_of_range"
    scaled = value * 10 ** int(rule["decimal_places"])
    if abs(scaled - round(scaled)) > 0.01:
        return "too_many_decimals"
    return None
