"""Builds the dbt project end to end and checks its figures against an independent reading."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from scripts.tests.dbt_build import REAL_FILE, build, built, query, reported_counts
from scripts.tests.independent_quality import QualityFigures, quality_figures, read_raw
from scripts.warehouse import DEFAULT_CUSTOMERS_CSV, Warehouse


def assert_quality_matches(warehouse: Warehouse, expected: QualityFigures) -> None:
    reported = reported_counts(warehouse)
    assert reported["rows_read"] == expected.rows_read
    assert reported["rows_rejected"] == len(expected.rejected_rows)
    assert reported["rows_kept"] == expected.rows_read - len(expected.rejected_rows)
    reason_rows = {
        metric.removeprefix("reason:"): count
        for metric, count in reported.items()
        if metric.startswith("reason:") and metric.count(":") == 1 and count > 0
    }
    assert reason_rows == expected.rows_per_reason
    field_rows = {
        tuple(metric.split(":")[1:]): count
        for metric, count in reported.items()
        if metric.count(":") == 2
    }
    assert field_rows == expected.rows_per_reason_and_field
    rejected = set(
        query(warehouse, "select source_row_number from fct_rejected_rows")["source_row_number"]
    )
    assert rejected == set(expected.rejected_rows)


def test_sample_figures_match_an_independent_reading(sample_warehouse: Warehouse) -> None:
    assert_quality_matches(sample_warehouse, quality_figures(DEFAULT_CUSTOMERS_CSV))


def test_sample_quarantines_its_planted_defects(sample_warehouse: Warehouse) -> None:
    reported = reported_counts(sample_warehouse)
    for reason in (
        "not_a_number",
        "out_of_range",
        "unknown_category",
        "no_products",
        "exact_duplicate_row",
    ):
        assert reported[f"reason:{reason}"] > 0, reason
    assert reported["reason:shared_user_id"] > 0
    assert reported["reason:missing_optional_value:balance"] > 0


@pytest.mark.real_file
def test_real_file_reconciles_with_the_documented_counts(real_warehouse: Warehouse) -> None:
    reported = reported_counts(real_warehouse)
    assert (reported["rows_read"], reported["rows_kept"], reported["rows_rejected"]) == (
        10_000,
        9_999,
        1,
    )
    assert reported["reason:no_products"] == 1
    assert reported["reason:missing_optional_value:balance"] == 2_295
    assert reported["reason:missing_optional_value:age"] == 26
    assert reported["reason:shared_user_id"] == 146
    assert reported["reason:extreme_value:balance"] == 198
    assert reported["reason:extreme_value:est_salary"] == 288
    assert_quality_matches(real_warehouse, quality_figures(Path(REAL_FILE)))


@pytest.mark.real_file
def test_real_file_products_zero_row_is_not_a_customer(real_warehouse: Warehouse) -> None:
    quarantined = query(
        real_warehouse, "select user_id_raw, rejection_reasons from fct_rejected_rows"
    )
    assert quarantined.to_dict("records") == [
        {"user_id_raw": "147837", "rejection_reasons": "products:no_products"}
    ]
    customers = query(
        real_warehouse, "select count(*) as n from dim_customers where user_id = 147837"
    )
    assert customers["n"].item() == 0


@pytest.mark.real_file
def test_real_file_no_missing_balance_became_a_number(real_warehouse: Warehouse) -> None:
    raw = read_raw(Path(REAL_FILE))
    customers = query(real_warehouse, "select source_row_number, balance from dim_customers")
    merged = customers.join(raw["balance"].rename("raw_balance"), on="source_row_number")
    assert (merged["balance"].isna() == (merged["raw_balance"].str.strip() == "")).all()
    assert merged["balance"].isna().sum() == 2_294


@pytest.mark.real_file
def test_real_file_churn_by_product_segment_matches_pandas(real_warehouse: Warehouse) -> None:
    expected = quality_figures(Path(REAL_FILE)).customers
    expected_segment = expected["products"].clip(upper=4).astype(int).astype(str).replace("4", "4+")
    expected_rates = expected["churn"].groupby(expected_segment).mean()
    reported = query(
        real_warehouse,
        "select product_segment, avg(case when is_churned then 1.0 else 0.0 end) as churn_rate "
        "from dim_customers group by product_segment",
    ).set_index("product_segment")["churn_rate"]
    pd.testing.assert_series_equal(
        reported.sort_index(), expected_rates.sort_index(), check_names=False, rtol=1e-12
    )
    assert round(reported["1"], 3) == 0.070
    assert round(reported["2"], 3) == 0.191


@pytest.mark.parametrize(
    ("make_file", "problem"),
    [
        pytest.param(lambda path: None, "does not exist", id="no-such-file"),
        pytest.param(lambda path: path.write_bytes(b""), "is empty", id="empty-file"),
        pytest.param(
            lambda path: (
                pd.read_csv(DEFAULT_CUSTOMERS_CSV, dtype=str, keep_default_na=False)
                .head(20)
                .drop(columns="age")
                .to_csv(path, index=False)
            ),
            "lacks required column(s): age",
            id="missing-column",
        ),
        pytest.param(
            lambda path: path.write_text(
                "USERID,score,city,gender,age,equity,balance,products,credit_card,last_activity,EST_SALARY,churn\n"
            ),
            "has a header but no data rows",
            id="header-only",
        ),
    ],
)
def test_unusable_file_stops_the_build_naming_file_and_problem(
    tmp_path: Path, make_file, problem: str
) -> None:
    customers_csv = tmp_path / "customers.csv"
    make_file(customers_csv)
    _, output = build(customers_csv, tmp_path)
    assert output.startswith("FAILED")
    assert f"Customer file '{customers_csv}'" in output
    assert problem in output


def test_garbage_values_are_quarantined_and_counted(tmp_path: Path) -> None:
    with DEFAULT_CUSTOMERS_CSV.open(newline="", encoding="utf-8") as handle:
        header, *lines = list(csv.reader(handle))[:301]
    column = {name.lower(): index for index, name in enumerate(header)}
    planted = {
        10: ("age", "сорок", "age:not_a_number"),
        20: ("balance", "12,5x", "balance:not_a_number"),
        30: ("score", "", "score:missing_required_value"),
        40: ("products", "1.5", "products:too_many_decimals"),
        50: ("churn", "2", "churn:out_of_range"),
        60: ("gender", "?", "gender:unknown_category"),
        70: ("age", "nan", "age:not_a_number"),
        80: ("est_salary", "inf", "est_salary:not_a_number"),
        90: ("score", "1_000", "score:not_a_number"),
        100: ("balance", "100.005", "balance:too_many_decimals"),
        130: ("userid", "#" + lines[129][column["userid"]], "user_id:not_a_number"),
    }
    for row, (field, value, _) in planted.items():
        lines[row - 1][column[field]] = value
    lines[109][column["balance"]] = "\t"
    balance = column["balance"]
    lines[119] = [*lines[119][:balance], "486432", "26", *lines[119][balance + 1 :]]
    lines[139] = list(lines[138])
    lines[139][column["score"]] = lines[138][column["score"]].removesuffix(".0")
    lines[149] = lines[149][:8]
    customers_csv = tmp_path / "garbage.csv"
    with customers_csv.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *lines])

    warehouse = built(customers_csv, tmp_path)
    expected = quality_figures(customers_csv)
    assert expected.rows_read == 300
    assert_quality_matches(warehouse, expected)
    reasons = query(warehouse, "select source_row_number, rejection_reasons from fct_rejected_rows")
    by_row = dict(zip(reasons["source_row_number"], reasons["rejection_reasons"], strict=True))
    for row, (_, _, reason) in planted.items():
        assert reason in by_row[row], (row, by_row.get(row))
    assert "record:wrong_field_count" in by_row[120]
    assert "record:exact_duplicate_row" in by_row[140]
    assert "missing_required_value" in by_row[150]
    assert 110 not in by_row
    kept = query(
        warehouse,
        "select balance is null as balance_is_null, has_balance from dim_customers "
        "where source_row_number = 110",
    )
    assert kept.to_dict("records") == [{"balance_is_null": True, "has_balance": False}]


def test_header_case_column_order_and_extra_columns_do_not_matter(
    sample_warehouse: Warehouse, tmp_path: Path
) -> None:
    raw = pd.read_csv(DEFAULT_CUSTOMERS_CSV, dtype=str, keep_default_na=False)
    shuffled = raw[list(reversed(raw.columns))].copy()
    shuffled.columns = [column.upper() for column in shuffled.columns]
    shuffled.insert(3, "BRANCH_NOTE", "x")
    customers_csv = tmp_path / "shuffled.csv"
    shuffled.to_csv(customers_csv, index=False)
    warehouse = built(customers_csv, tmp_path)
    sql = "select * from dim_customers order by customer_id"
    pd.testing.assert_frame_equal(query(warehouse, sql), query(sample_warehouse, sql))
