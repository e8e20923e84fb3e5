"""Checks the segment and churn marts against an independent pandas reading of the customer file.

The expected tables come from `independent_churn` (pandas and numpy from the raw file and the
seeds, no project SQL); every column of every mart is compared, so a mart that grows a column must
grow its independent computation too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.special import ndtri
from scipy.stats import binomtest

from scripts.tests import dbt_build
from scripts.tests.dbt_build import REAL_FILE, query
from scripts.tests.independent_churn import (
    Figures,
    condition_members,
    customer_churn_risk,
    independent_figures,
    product_segments,
    retention_recommendations,
    risk_lift,
    segment_churn_profiles,
    strategic_segments,
    wilson,
    with_rates,
)
from scripts.warehouse import DEFAULT_CUSTOMERS_CSV, Warehouse

RTOL = 1e-9
ATOL = 1e-12


@dataclass(frozen=True)
class Build:
    warehouse: Warehouse
    figures: Figures


# --- comparison -------------------------------------------------------------------------------


def comparable(values: pd.Series) -> list[object]:
    """Values as plain Python objects, every kind of missing as None."""
    return [None if pd.isna(value) else value for value in values.astype(object)]


def assert_figures_match(reported: pd.DataFrame, expected: pd.DataFrame, keys: list[str]) -> None:
    """Same keys on both sides; counts, flags and text equal; doubles equal to rtol 1e-9."""
    left = reported.astype({key: str for key in keys})
    right = expected.astype({key: str for key in keys})
    merged = left.merge(
        right, on=keys, how="outer", suffixes=("_reported", "_expected"), indicator=True
    )
    unmatched = merged.loc[merged["_merge"] != "both", [*keys, "_merge"]]
    assert unmatched.empty, f"rows on one side only:\n{unmatched.to_string()}"
    for column in expected.columns.difference(keys):
        got, want = merged[f"{column}_reported"], merged[f"{column}_expected"]
        if pd.api.types.is_float_dtype(want):
            equal = np.isclose(
                got.astype(float), want.astype(float), rtol=RTOL, atol=ATOL, equal_nan=True
            )
        else:
            equal = np.array(
                [a == b for a, b in zip(comparable(got), comparable(want), strict=True)]
            )
        wrong = merged.loc[~equal, [*keys, f"{column}_reported", f"{column}_expected"]]
        assert wrong.empty, f"{column} differs:\n{wrong.to_string()}"


def assert_table_matches(reported: pd.DataFrame, expected: pd.DataFrame, keys: list[str]) -> None:
    """Every column of the mart, and no other, compared with its independent computation."""
    assert sorted(reported.columns) == sorted(expected.columns)
    assert len(reported) == len(expected)
    assert_figures_match(reported, expected, keys)


def path_of(fixture_name: str) -> Path:
    return DEFAULT_CUSTOMERS_CSV if fixture_name == "sample_warehouse" else Path(REAL_FILE)


@pytest.fixture(
    params=[
        pytest.param("sample_warehouse", id="sample"),
        pytest.param("real_warehouse", id="real", marks=pytest.mark.real_file),
    ]
)
def built(request: pytest.FixtureRequest) -> Build:
    warehouse = request.getfixturevalue(request.param)
    return Build(warehouse=warehouse, figures=independent_figures(path_of(request.param)))


@pytest.fixture
def real_build(real_warehouse: Warehouse) -> Build:
    return Build(warehouse=real_warehouse, figures=independent_figures(Path(REAL_FILE)))


# --- tests ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("churned", "customers"), [(0, 7), (1, 4), (3, 3), (235, 3341), (5, 9)])
def test_wilson_formula_agrees_with_scipy(churned: int, customers: int) -> None:
    # scipy's Wilson interval uses z = ndtri(0.975) = 1.95996..., the warehouse z = 1.96: the
    # formula is checked exactly at scipy's z, and the warehouse's z moves it by < 1e-4
    reference = binomtest(churned, customers).proportion_ci(method="wilson")
    exact = wilson(np.array([churned]), np.array([customers]), z=float(ndtri(0.975)))
    np.testing.assert_allclose(
        [exact[0][0], exact[1][0]], [reference.low, reference.high], rtol=1e-12, atol=1e-15
    )
    rounded = wilson(np.array([churned]), np.array([customers]))
    np.testing.assert_allclose(
        [rounded[0][0], rounded[1][0]], [reference.low, reference.high], atol=1e-4
    )


def test_product_segments_match_pandas(built: Build) -> None:
    reported = query(built.warehouse, "select * from rpt_product_segments")
    expected = product_segments(built.figures)
    assert_table_matches(reported, expected, ["product_segment"])
    assert set(reported["product_segment"]) <= {"1", "2", "3", "4+"}
    assert reported["customers"].sum() == built.figures.baseline.customers
    assert reported["share_of_customers"].sum() == pytest.approx(1, abs=1e-9)
    assert reported["share_of_churners"].sum() == pytest.approx(1, abs=1e-9)


def test_churn_portrait_matches_pandas(built: Build) -> None:
    reported = query(built.warehouse, "select * from rpt_churn_portrait")
    expected = built.figures.portrait
    assert_table_matches(reported, expected, ["feature", "level_label"])
    assert set(reported["feature"]) == set(expected["feature"])
    per_feature = reported.groupby("feature")[["share_of_customers", "share_of_churners"]].sum()
    np.testing.assert_allclose(per_feature.to_numpy(), 1, atol=1e-9)


def test_churn_intervals_match_pandas(built: Build) -> None:
    reported = query(built.warehouse, "select * from rpt_churn_intervals")
    expected = built.figures.intervals
    assert not expected.empty
    assert_table_matches(reported, expected, ["interval_id"])
    assert (reported["lift"] > 1).all()


def test_churn_segments_recount_from_their_conditions(built: Build) -> None:
    reported = query(built.warehouse, "select * from rpt_churn_segments")
    churn = built.figures.customers["is_churned"].to_numpy()
    rows = []
    for row in reported.itertuples():
        condition_ids = [row.first_condition_id, row.second_condition_id]
        if pd.notna(row.third_condition_id):
            condition_ids.append(row.third_condition_id)
        assert row.segment_id == " & ".join(condition_ids)
        members = np.logical_and.reduce(
            [condition_members(built.figures, condition_id) for condition_id in condition_ids]
        )
        rows.append(
            {
                "segment_id": row.segment_id,
                "customers": int(members.sum()),
                "churned_customers": int((members & churn).sum()),
            }
        )
    expected = with_rates(
        pd.DataFrame(rows, columns=["segment_id", "customers", "churned_customers"]),
        built.figures.baseline,
    )
    assert_figures_match(reported, expected, ["segment_id"])


def test_churn_segments_are_every_qualifying_candidate_ranked_and_picked(built: Build) -> None:
    reported = query(built.warehouse, "select * from rpt_churn_segments")
    expected = strategic_segments(built.figures)
    assert_table_matches(reported, expected, ["segment_id"])


def test_retention_recommendations_match_pandas(built: Build) -> None:
    reported = query(built.warehouse, "select * from rpt_retention_recommendations")
    expected = retention_recommendations(built.figures)
    assert not expected.empty
    assert_table_matches(reported, expected, ["segment_id"])


def test_segment_churn_profiles_match_pandas(built: Build) -> None:
    reported = query(built.warehouse, "select * from rpt_segment_churn_profiles")
    expected = segment_churn_profiles(built.figures)
    assert_table_matches(reported, expected, ["profile_measure_id"])


def test_every_customers_risk_score_rank_and_decile_match_pandas(built: Build) -> None:
    reported = query(built.warehouse, "select * from fct_customer_churn_risk")
    expected = customer_churn_risk(built.figures)
    assert_table_matches(reported, expected, ["customer_id"])


def test_risk_deciles_match_pandas(built: Build) -> None:
    reported = query(built.warehouse, "select * from rpt_churn_risk_lift")
    expected = risk_lift(built.figures)
    assert_table_matches(reported, expected, ["risk_decile"])
    base, extra = divmod(built.figures.baseline.customers, 10)
    ordered = reported.sort_values("risk_decile")
    assert ordered["customers"].tolist() == [base + (decile <= extra) for decile in range(1, 11)]
    assert ordered["cumulative_share_of_churners"].iloc[-1] == pytest.approx(1, abs=1e-12)


@pytest.mark.real_file
def test_real_file_top_picks_are_large_and_high_churn(real_build: Build) -> None:
    picks = query(real_build.warehouse, "select * from rpt_churn_segments where is_top_pick")
    bank_rate = real_build.figures.baseline.rate
    assert len(picks) >= 1
    assert (picks["customers"] >= 500).all()
    assert (picks["churn_rate"] >= 1.5 * bank_rate).all()


@pytest.mark.real_file
def test_real_file_risk_deciles_separate_churners(real_build: Build) -> None:
    rates = query(
        real_build.warehouse, "select risk_decile, churn_rate from rpt_churn_risk_lift"
    ).set_index("risk_decile")["churn_rate"]
    assert rates[1] > 2 * real_build.figures.baseline.rate
    assert rates[1] > rates[5] > rates[10]


@pytest.mark.real_file
def test_real_file_product_segment_churn_rates(real_build: Build) -> None:
    rates = query(
        real_build.warehouse, "select product_segment, churn_rate from rpt_product_segments"
    ).set_index("product_segment")["churn_rate"]
    assert [round(100 * rates[segment], 1) for segment in ("1", "2", "3")] == [7.0, 19.1, 28.6]
    customers = real_build.figures.customers
    pooled = customers.loc[customers["products"] >= 4, "churn"].mean()
    assert set(customers.loc[customers["products"] >= 4, "products"]) == {4, 5}
    assert rates["4+"] == pytest.approx(pooled, rel=1e-12)
    assert 0.62 <= rates["4+"] <= 0.64


def test_a_file_without_churners_leaves_lifts_undefined_and_no_churn_segments(
    tmp_path: Path,
) -> None:
    # a valid narrow file: nobody left. Every figure measured against the bank's churners is
    # undefined (NULL), no level is a risk level, no segment is a churn segment, and the
    # build's own tests, which hold those NULLs to exactly this case, pass
    sample = pd.read_csv(DEFAULT_CUSTOMERS_CSV, dtype=str, keep_default_na=False)
    sample["churn"] = "0"
    customers_csv = tmp_path / "no_churners.csv"
    sample.to_csv(customers_csv, index=False)
    warehouse = dbt_build.built(customers_csv, tmp_path)

    portrait = query(
        warehouse, "select lift, share_of_churners, is_risk_level from rpt_churn_portrait"
    )
    assert len(portrait) > 0
    assert portrait[["lift", "share_of_churners"]].isna().all().all()
    assert not portrait["is_risk_level"].any()
    products = query(warehouse, "select lift, share_of_churners from rpt_product_segments")
    assert len(products) > 0
    assert products.isna().all().all()
    deciles = query(warehouse, "select lift, cumulative_share_of_churners from rpt_churn_risk_lift")
    assert len(deciles) > 0
    assert deciles.isna().all().all()
    for mart in ("rpt_churn_intervals", "rpt_churn_segments", "rpt_retention_recommendations"):
        assert query(warehouse, f"select count(*) as n from {mart}")["n"].iloc[0] == 0, mart
