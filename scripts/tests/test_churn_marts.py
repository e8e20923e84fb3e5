"""Checks the segment and churn marts against an independent pandas reading of the customer file.

The expected figures start from the kept customers of `independent_quality` (plain pandas, no dbt)
and re-implement the documented definitions in pandas and numpy: product segments, the churn
portrait, the quantile-bin churn intervals, the strategic segments and the risk deciles. Only the
analyst-edited inputs are shared with dbt: the seeds (band edges, aliases) and the project vars.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy.special import ndtri
from scipy.stats import binomtest

from scripts.tests.dbt_build import REAL_FILE, query
from scripts.tests.independent_quality import SEEDS_DIR, quality_figures
from scripts.warehouse import DEFAULT_CUSTOMERS_CSV, PROJECT_DIR, Warehouse

Z = 1.96
RTOL = 1e-9
ATOL = 1e-12
QUARTILES = {"p25": 0.25, "median": 0.5, "p75": 0.75}
# portrait feature -> (band_edges feature, customer column)
BANDED_FEATURES = {
    "age": ("age", "age"),
    "score": ("score", "score"),
    "balance": ("balance", "balance"),
    "salary": ("est_salary", "est_salary"),
    "equity": ("equity", "equity"),
    "products": ("products", "products"),
}
# portrait feature -> (boolean customer column, label when true, label when false)
FLAG_FEATURES = {
    "credit_card": ("has_credit_card", "credit card", "no credit card"),
    "activity": ("is_active", "active", "inactive"),
    "balance_presence": ("has_balance", "has a balance", "no balance"),
}
# interval feature -> customer column
CONTINUOUS_FEATURES = {"age": "age", "score": "score", "balance": "balance", "salary": "est_salary"}
RATE_COLUMNS = ["churn_rate", "churn_rate_lower", "churn_rate_upper"]


@dataclass(frozen=True)
class Settings:
    interval_bins: int
    condition_max_share: float
    segment_min_customers: int
    segment_min_lift: float
    top_segments: int
    segment_max_overlap: float


@dataclass(frozen=True)
class Baseline:
    customers: int
    churned: int

    @property
    def rate(self) -> float:
        return self.churned / self.customers


@dataclass(frozen=True)
class Figures:
    customers: pd.DataFrame
    baseline: Baseline
    levels: pd.DataFrame
    portrait: pd.DataFrame
    intervals: pd.DataFrame


@dataclass(frozen=True)
class Build:
    warehouse: Warehouse
    figures: Figures


# --- independent computation ------------------------------------------------------------------


@functools.cache
def settings() -> Settings:
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    variables = project["vars"]
    return Settings(
        interval_bins=int(variables["churn_interval_bins"]),
        condition_max_share=float(variables["churn_condition_max_share"]),
        segment_min_customers=int(variables["churn_segment_min_customers"]),
        segment_min_lift=float(variables["churn_segment_min_lift"]),
        top_segments=int(variables["churn_top_segments"]),
        segment_max_overlap=float(variables["churn_segment_max_overlap"]),
    )


def wilson(churned: np.ndarray, customers: np.ndarray, z: float = Z) -> tuple[np.ndarray, ...]:
    """The Wilson score interval in Newcombe's (1998) form, clamped to [0, 1]."""
    k = np.asarray(churned, dtype=float)
    n = np.asarray(customers, dtype=float)
    denominator = 2 * (n + z * z)
    centre = (2 * k + z * z) / denominator
    half_width = z / denominator * np.sqrt(4 * k * (n - k) / n + z * z)
    return np.clip(centre - half_width, 0, 1), np.clip(centre + half_width, 0, 1)


def with_rates(groups: pd.DataFrame, baseline: Baseline) -> pd.DataFrame:
    """Adds rate, Wilson bounds, lift and share of churners to customers/churned_customers."""
    rated = groups.copy()
    rated["churn_rate"] = rated["churned_customers"] / rated["customers"]
    lower, upper = wilson(rated["churned_customers"].to_numpy(), rated["customers"].to_numpy())
    rated["churn_rate_lower"] = lower
    rated["churn_rate_upper"] = upper
    rated["lift"] = rated["churn_rate"] / baseline.rate
    rated["share_of_churners"] = rated["churned_customers"] / baseline.churned
    return rated


def band(values: pd.Series, edges: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Label and order of each value's band: lower edge inclusive, upper exclusive."""
    labels = pd.Series("missing", index=values.index, dtype=object)
    orders = pd.Series(0, index=values.index, dtype="int64")
    for edge in edges.itertuples():
        inside = values.notna()
        if pd.notna(edge.lower_bound):
            inside &= values >= edge.lower_bound
        if pd.notna(edge.upper_bound):
            inside &= values < edge.upper_bound
        labels[inside] = edge.band_label
        orders[inside] = edge.band_order
    return labels, orders


def customer_table(path: Path) -> pd.DataFrame:
    customers = quality_figures(path).customers.copy()
    cities = pd.read_csv(SEEDS_DIR / "city_aliases.csv").drop_duplicates("city")
    genders = pd.read_csv(SEEDS_DIR / "gender_aliases.csv").drop_duplicates("gender")
    city_code = customers["city"].map(dict(zip(cities["city"], cities["city_code"], strict=True)))
    customers["gender_en"] = customers["gender"].map(
        dict(zip(genders["gender"], genders["gender_en"], strict=True))
    )
    customers["city_code"] = city_code
    customers["customer_id"] = customers["user_id"].astype("int64").astype(str) + "-" + city_code
    customers["is_churned"] = customers["churn"] == 1
    customers["has_balance"] = customers["balance"].notna()
    customers["has_credit_card"] = customers["credit_card"] == 1
    customers["is_active"] = customers["last_activity"] == 1
    return customers


def portrait_levels(customers: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each customer's level label and level order for every portrait feature."""
    edges = pd.read_csv(SEEDS_DIR / "band_edges.csv", dtype={"band_label": str})
    labels: dict[str, pd.Series] = {}
    orders: dict[str, pd.Series] = {}
    for feature, (edge_feature, column) in BANDED_FEATURES.items():
        labels[feature], orders[feature] = band(
            customers[column], edges[edges["feature"] == edge_feature]
        )
    for feature, (column, when_true, when_false) in FLAG_FEATURES.items():
        labels[feature] = customers[column].map({True: when_true, False: when_false})
        orders[feature] = customers[column].map({True: 1, False: 2})
    for feature, order_by in (("city", "city_code"), ("gender", "gender_en")):
        labels[feature] = customers[feature]
        orders[feature] = customers[order_by].rank(method="dense").astype("int64")
    return pd.DataFrame(labels).astype(str), pd.DataFrame(orders)


def portrait(
    customers: pd.DataFrame, labels: pd.DataFrame, orders: pd.DataFrame, baseline: Baseline
) -> pd.DataFrame:
    frames = []
    for feature in labels.columns:
        grouped = (
            pd.DataFrame(
                {
                    "level_label": labels[feature],
                    "level_order": orders[feature],
                    "churned": customers["churn"],
                }
            )
            .groupby(["level_label", "level_order"])["churned"]
            .agg(customers="size", churned_customers="sum")
            .reset_index()
        )
        grouped.insert(0, "feature", feature)
        frames.append(grouped)
    levels = with_rates(pd.concat(frames, ignore_index=True), baseline)
    levels["share_of_customers"] = levels["customers"] / baseline.customers
    levels["is_risk_level"] = levels["churn_rate_lower"] > baseline.rate
    return levels


def feature_intervals(
    feature: str, values: pd.Series, churn: pd.Series, baseline: Baseline
) -> list[dict[str, object]]:
    """Rank-based quantile bins of one feature, adjacent above-bank-rate bins merged."""
    ranks = values.rank(method="min").astype("int64")
    raw_bins = (ranks - 1) * settings().interval_bins // len(values)
    bins = (
        pd.DataFrame({"value": values, "churn": churn, "raw_bin": raw_bins})
        .groupby("raw_bin")
        .agg(
            lower_value=("value", "min"),
            upper_value=("value", "max"),
            customers=("churn", "size"),
            churned_customers=("churn", "sum"),
        )
        .sort_index()
        .reset_index(drop=True)
    )
    bins["bin_number"] = np.arange(1, len(bins) + 1)
    above = bins["churned_customers"] / bins["customers"] > baseline.rate
    run = (above != above.shift()).cumsum()
    intervals = []
    for _, merged in bins[above].groupby(run[above]):
        first_bin, last_bin = int(merged["bin_number"].min()), int(merged["bin_number"].max())
        intervals.append(
            {
                "interval_id": f"{feature}:{first_bin}",
                "feature": feature,
                "first_bin": first_bin,
                "last_bin": last_bin,
                "bins_merged": len(merged),
                "lower_value": float(merged["lower_value"].min()),
                "upper_value": float(merged["upper_value"].max()),
                "customers": int(merged["customers"].sum()),
                "churned_customers": int(merged["churned_customers"].sum()),
                "share_of_feature_customers": merged["customers"].sum() / len(values),
            }
        )
    return intervals


def value_intervals(customers: pd.DataFrame, baseline: Baseline) -> pd.DataFrame:
    rows = []
    for feature, column in CONTINUOUS_FEATURES.items():
        known = customers[customers[column].notna()]
        values = known[column].astype(float)
        found = feature_intervals(feature, values, known["churn"], baseline)
        # open-ended means reaching the feature's observed extreme, whatever the binning
        for interval in found:
            interval["is_open_below"] = interval["lower_value"] == values.min()
            interval["is_open_above"] = interval["upper_value"] == values.max()
        rows += found
    intervals = with_rates(pd.DataFrame(rows), baseline)
    intervals["is_significant"] = intervals["churn_rate_lower"] > baseline.rate
    intervals["interval_number"] = (
        intervals.groupby("feature")["lower_value"].rank(method="first").astype("int64")
    )
    return intervals


@functools.cache
def independent_figures(path: Path) -> Figures:
    customers = customer_table(path)
    baseline = Baseline(customers=len(customers), churned=int(customers["churn"].sum()))
    labels, orders = portrait_levels(customers)
    return Figures(
        customers=customers,
        baseline=baseline,
        levels=labels,
        portrait=portrait(customers, labels, orders, baseline),
        intervals=value_intervals(customers, baseline),
    )


def product_segments(figures: Figures) -> pd.DataFrame:
    customers = figures.customers.assign(
        product_segment=figures.customers["products"]
        .clip(upper=4)
        .astype(int)
        .astype(str)
        .replace("4", "4+"),
        product_segment_order=figures.customers["products"].clip(upper=4).astype(int),
        is_male=figures.customers["gender_en"] == "male",
    )
    groups = customers.groupby(["product_segment", "product_segment_order"])
    segments = groups["churn"].agg(customers="size", churned_customers="sum").reset_index()
    segments = with_rates(segments, figures.baseline)
    segments["share_of_customers"] = segments["customers"] / figures.baseline.customers
    for column, name in (
        ("age", "age"),
        ("score", "score"),
        ("balance", "balance"),
        ("est_salary", "salary"),
    ):
        for suffix, fraction in QUARTILES.items():
            # pandas' default linear interpolation is SQL percentile_cont; NaNs are skipped
            segments[f"{name}_{suffix}"] = groups[column].quantile(fraction).to_numpy()
    segments["equity_mean"] = groups["equity"].mean().to_numpy()
    for flag, name in (
        ("has_balance", "share_with_balance"),
        ("has_credit_card", "share_with_credit_card"),
        ("is_active", "share_active"),
        ("is_male", "share_male"),
    ):
        segments[name] = groups[flag].mean().to_numpy()
    return segments


@dataclass(frozen=True)
class Condition:
    condition_id: str
    family: str
    members: np.ndarray


def condition_members(figures: Figures, condition_id: str) -> np.ndarray:
    """Who meets a condition, from its id and this module's own levels and intervals."""
    kind, feature, key = condition_id.split(":", 2)
    if kind == "level":
        assert feature in figures.levels.columns, condition_id
        members = (figures.levels[feature] == key).to_numpy()
        assert members.any(), f"{condition_id}: no such portrait level"
        return members
    assert kind == "interval", condition_id
    found = figures.intervals[figures.intervals["interval_id"] == f"{feature}:{key}"]
    assert len(found) == 1, f"{condition_id}: no such interval in the pandas intervals"
    values = figures.customers[CONTINUOUS_FEATURES[feature]]
    inside = (values >= found["lower_value"].item()) & (values <= found["upper_value"].item())
    return inside.to_numpy()


def risk_conditions(figures: Figures) -> list[Condition]:
    share = settings().condition_max_share
    levels = figures.portrait[
        figures.portrait["is_risk_level"] & (figures.portrait["share_of_customers"] <= share)
    ]
    intervals = figures.intervals[
        figures.intervals["is_significant"]
        & (figures.intervals["share_of_feature_customers"] <= share)
    ]
    ids = [
        (f"level:{row.feature}:{row.level_label}", str(row.feature)) for row in levels.itertuples()
    ] + [(f"interval:{row.interval_id}", str(row.feature)) for row in intervals.itertuples()]
    return [
        Condition(
            condition_id=condition_id,
            family="balance" if feature == "balance_presence" else feature,
            members=condition_members(figures, condition_id),
        )
        for condition_id, feature in sorted(ids)
    ]


def strategic_segments(figures: Figures) -> pd.DataFrame:
    """Every qualifying conjunction of 2 or 3 risk conditions, ranked, with overlaps and picks."""
    config = settings()
    churn = figures.customers["is_churned"].to_numpy()
    conditions = risk_conditions(figures)
    rows = []
    members_of: dict[str, np.ndarray] = {}
    for size in (2, 3):
        for combination in itertools.combinations(conditions, size):
            if len({condition.family for condition in combination}) < size:
                continue
            members = np.logical_and.reduce([condition.members for condition in combination])
            customers, churned = int(members.sum()), int((members & churn).sum())
            if customers < config.segment_min_customers:
                continue
            if churned / customers < config.segment_min_lift * figures.baseline.rate:
                continue
            segment_id = " & ".join(condition.condition_id for condition in combination)
            members_of[segment_id] = members
            rows.append((segment_id, customers, churned, churned / customers))
    ranked = sorted(rows, key=lambda row: (-row[2], -row[3], row[0]))
    in_higher = np.zeros(len(churn), dtype=bool)
    covered = np.zeros(len(churn), dtype=bool)
    picks = 0
    records = []
    for rank, (segment_id, customers, churned, _) in enumerate(ranked, start=1):
        members = members_of[segment_id]
        top_pick_number = None
        if picks < config.top_segments and (members & covered).sum() <= (
            config.segment_max_overlap * customers
        ):
            picks += 1
            top_pick_number = picks
            covered |= members
        records.append(
            {
                "segment_id": segment_id,
                "segment_rank": rank,
                "customers": customers,
                "churned_customers": churned,
                "customers_in_higher_segments": int((members & in_higher).sum()),
                "new_churned_customers": int((members & ~in_higher & churn).sum()),
                "top_pick_number": top_pick_number,
            }
        )
        in_higher |= members
    return pd.DataFrame(records)


# --- comparison -------------------------------------------------------------------------------


def assert_figures_match(reported: pd.DataFrame, expected: pd.DataFrame, keys: list[str]) -> None:
    """Same keys on both sides; counts and flags equal; doubles equal to rtol 1e-9."""
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
            equal = np.isclose(got.astype(float), want, rtol=RTOL, atol=ATOL)
        else:
            equal = got.to_numpy() == want.to_numpy()
        wrong = merged.loc[~equal, [*keys, f"{column}_reported", f"{column}_expected"]]
        assert wrong.empty, f"{column} differs:\n{wrong.to_string()}"


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
    assert_figures_match(reported, expected, ["product_segment"])
    assert set(reported["product_segment"]) <= {"1", "2", "3", "4+"}
    assert reported["customers"].sum() == built.figures.baseline.customers
    assert reported["share_of_customers"].sum() == pytest.approx(1, abs=1e-9)
    assert reported["share_of_churners"].sum() == pytest.approx(1, abs=1e-9)


def test_churn_portrait_matches_pandas(built: Build) -> None:
    reported = query(built.warehouse, "select * from rpt_churn_portrait")
    expected = built.figures.portrait
    assert_figures_match(reported, expected, ["feature", "level_label"])
    assert set(reported["feature"]) == set(expected["feature"])
    per_feature = reported.groupby("feature")[["share_of_customers", "share_of_churners"]].sum()
    np.testing.assert_allclose(per_feature.to_numpy(), 1, atol=1e-9)
    assert (
        reported["portrait_level_id"] == reported["feature"] + ":" + reported["level_label"]
    ).all()


def test_churn_intervals_match_pandas(built: Build) -> None:
    reported = query(built.warehouse, "select * from rpt_churn_intervals")
    expected = built.figures.intervals
    assert not expected.empty
    assert_figures_match(reported, expected, ["interval_id"])
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
    reported["top_pick_number"] = reported["top_pick_number"].astype("Int64")
    expected["top_pick_number"] = expected["top_pick_number"].astype("Int64")
    columns = [
        "segment_id",
        "segment_rank",
        "customers",
        "churned_customers",
        "customers_in_higher_segments",
        "new_churned_customers",
        "top_pick_number",
    ]
    pd.testing.assert_frame_equal(
        reported.sort_values("segment_rank")[columns].reset_index(drop=True).astype(str),
        expected[columns].astype(str),
    )
    assert (reported["is_top_pick"] == reported["top_pick_number"].notna()).all()


def test_risk_deciles_and_risk_table_cover_the_customers(built: Build) -> None:
    figures = built.figures
    deciles = query(built.warehouse, "select * from rpt_churn_risk_lift order by risk_decile")
    assert deciles["risk_decile"].tolist() == list(range(1, 11))
    assert deciles["customers"].sum() == figures.baseline.customers
    assert deciles["churned_customers"].sum() == figures.baseline.churned
    base, extra = divmod(figures.baseline.customers, 10)
    assert deciles["customers"].tolist() == [base + (decile <= extra) for decile in range(1, 11)]
    assert deciles["cumulative_share_of_churners"].iloc[-1] == pytest.approx(1, abs=1e-12)
    rated = with_rates(deciles[["customers", "churned_customers"]], figures.baseline)
    for column in [*RATE_COLUMNS, "lift"]:
        np.testing.assert_allclose(deciles[column], rated[column], rtol=RTOL, atol=ATOL)

    at_risk = query(built.warehouse, "select customer_id from fct_customer_churn_risk")
    staying = figures.customers.loc[~figures.customers["is_churned"], "customer_id"]
    assert at_risk["customer_id"].is_unique
    assert len(at_risk) == len(staying)
    assert set(at_risk["customer_id"]) == set(staying)


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
