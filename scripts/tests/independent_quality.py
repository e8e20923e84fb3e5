"""An independent pandas reading of the customer file, to check the warehouse's figures against.

It applies the documented validation policy in plain pandas, sharing only the analyst-edited
rules and alias seeds with dbt, never its SQL.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"
EXTREME_VALUE_IQR_MULTIPLIER = 3
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
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.columns = [column.strip().lower() for column in frame.columns]
    frame = frame[list(FILE_COLUMNS)].rename(columns=FILE_COLUMNS)
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="source_row_number")
    return frame


def _aliases(seed: str, target: str) -> dict[str, str]:
    table = pd.read_csv(SEEDS_DIR / f"{seed}.csv", dtype=str)
    return dict(zip(table["alias"], table[target], strict=True))


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
            field: pd.to_numeric(trimmed[field].replace("", np.nan), errors="coerce")
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
        (int(row), "products", "no_products") for row in numbers.index[numbers["products"] == 0]
    ]

    for field in ("balance", "est_salary"):
        values = numbers[field][numbers[field] >= 0]
        first, third = values.quantile(0.25), values.quantile(0.75)
        fence = third + EXTREME_VALUE_IQR_MULTIPLIER * (third - first)
        issues += [
            (int(row), field, "extreme_value") for row in numbers.index[numbers[field] > fence]
        ]

    copies = raw.duplicated(keep="first")
    issues += [(int(row), "record", "exact_duplicate_row") for row in raw.index[copies]]
    claims = pd.DataFrame({"user_id": numbers["user_id"], "city": categories["city"]})[
        ~copies
    ].dropna()
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
            Counter(reason for _, reason in {(r, c) for r, _, c in unique_issues})
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
    if rule["is_whole_number"] and value != np.floor(value):
        return "not_whole_number"
    return None
