"""An independent pandas reading of the churn marts, to check the warehouse's figures against.

It starts from the kept customers of `independent_quality` (plain pandas, no dbt) and re-implements
the documented definitions in pandas and numpy: product segments and their churned-vs-retained
profiles, the churn portrait, the quantile-bin churn intervals, the risk conditions, the strategic
segments with their recommendations, and the risk score with its deciles. Only the analyst-edited
inputs are shared with dbt: the seeds (band edges, aliases, retention levers) and the project vars.
"""

from __future__ import annotations

import decimal
import functools
import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from scripts.tests.independent_quality import SEEDS_DIR, quality_figures
from scripts.warehouse import PROJECT_DIR

Z = 1.96
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


def round_half_away_digits(value: float, digits: int) -> float:
    """SQL's round(value, digits): halves go away from zero (Python's round() goes to even),
    judged on the double's exact decimal value."""
    exact = decimal.Decimal(value).quantize(
        decimal.Decimal(1).scaleb(-digits), rounding=decimal.ROUND_HALF_UP
    )
    return float(exact)


def round_half_away(value: float) -> int:
    return int(round_half_away_digits(value, 0))


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
    levels["portrait_level_id"] = levels["feature"] + ":" + levels["level_label"]
    levels["level_description"] = [
        level_description(feature, label)
        for feature, label in zip(levels["feature"], levels["level_label"], strict=True)
    ]
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
            interval["interval_description"] = interval_description(interval)
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


def city_mix(customers: pd.DataFrame) -> str:
    """'Ярославль 59.9%, Рыбинск 27.1%, …': each city's share, largest first."""
    counts = customers.groupby("city").size().reset_index(name="customers")
    counts = counts.sort_values(["customers", "city"], ascending=[False, True])
    return ", ".join(
        f"{row.city} {round_half_away_digits(100 * row.customers / len(customers), 1)}%"
        for row in counts.itertuples()
    )


def product_segments(figures: Figures) -> pd.DataFrame:
    customers = with_product_segment(figures.customers)
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
    segments["city_mix"] = [city_mix(members) for _, members in groups]
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
    feature: str
    family: str
    description: str
    lift: float
    members: np.ndarray


def level_description(feature: str, label: str) -> str:
    """A yes/no feature reads as its level ('active'); the others name the feature first."""
    return label if feature in FLAG_FEATURES else f"{feature} {label}"


def interval_description(interval: dict[str, object]) -> str:
    """An interval that reaches the feature's lowest or highest value reads as open-ended."""
    feature = interval["feature"]
    lower = round_half_away(float(interval["lower_value"]))  # type: ignore[arg-type]
    upper = round_half_away(float(interval["upper_value"]))  # type: ignore[arg-type]
    opens_below, opens_above = interval["is_open_below"], interval["is_open_above"]
    if opens_below and opens_above:
        return f"any {feature}"
    if opens_below:
        return f"{feature} up to {upper}"
    if opens_above:
        return f"{feature} from {lower}"
    return f"{feature} {lower}-{upper}"


def condition_members(figures: Figures, condition_id: str) -> np.ndarray:
    """Who meets a condition, from its id and this module's own levels and intervals."""
    kind, feature, key = condition_id.split(":", 2)
    if kind == "level":
        assert feature in figures.levels.columns, condition_id
        members: np.ndarray = (figures.levels[feature] == key).to_numpy()
        assert members.any(), f"{condition_id}: no such portrait level"
        return members
    assert kind == "interval", condition_id
    found = figures.intervals[figures.intervals["interval_id"] == f"{feature}:{key}"]
    assert len(found) == 1, f"{condition_id}: no such interval in the pandas intervals"
    values = figures.customers[CONTINUOUS_FEATURES[feature]]
    inside = (values >= found["lower_value"].item()) & (values <= found["upper_value"].item())
    inside_members: np.ndarray = inside.to_numpy()
    return inside_members


def risk_conditions(figures: Figures) -> tuple[Condition, ...]:
    """The catalogue: risk levels and significant intervals that describe a minority."""
    share = settings().condition_max_share
    levels = figures.portrait[
        figures.portrait["is_risk_level"] & (figures.portrait["share_of_customers"] <= share)
    ]
    intervals = figures.intervals[
        figures.intervals["is_significant"]
        & (figures.intervals["share_of_feature_customers"] <= share)
    ]
    found = [
        (
            f"level:{row.feature}:{row.level_label}",
            str(row.feature),
            level_description(str(row.feature), str(row.level_label)),
            float(row.lift),
        )
        for row in levels.itertuples()
    ] + [
        (
            f"interval:{row.interval_id}",
            str(row.feature),
            str(row.interval_description),
            float(row.lift),
        )
        for row in intervals.itertuples()
    ]
    return tuple(
        Condition(
            condition_id=condition_id,
            feature=feature,
            # having a balance at all and having one in a range describe the same money
            family="balance" if feature == "balance_presence" else feature,
            description=description,
            lift=lift,
            members=condition_members(figures, condition_id),
        )
        for condition_id, feature, description, lift in sorted(found)
    )


def strategic_segments(figures: Figures) -> pd.DataFrame:
    """Every qualifying conjunction of 2 or 3 risk conditions, ranked, with overlaps and picks."""
    config = settings()
    churn = figures.customers["is_churned"].to_numpy()
    conditions = risk_conditions(figures)
    rows = []
    members_of: dict[str, np.ndarray] = {}
    combination_of: dict[str, tuple[Condition, ...]] = {}
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
            combination_of[segment_id] = combination
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
        combination = combination_of[segment_id]
        condition_ids = [condition.condition_id for condition in combination]
        records.append(
            {
                "segment_id": segment_id,
                "segment_rank": rank,
                "segment_definition": " and ".join(
                    condition.description for condition in combination
                ),
                "first_condition_id": condition_ids[0],
                "second_condition_id": condition_ids[1],
                "third_condition_id": condition_ids[2] if len(condition_ids) == 3 else None,
                "conditions_in_segment": len(condition_ids),
                "customers": customers,
                "churned_customers": churned,
                "customers_in_higher_segments": int((members & in_higher).sum()),
                "overlap_with_higher_segments": (members & in_higher).sum() / customers,
                "new_churned_customers": int((members & ~in_higher & churn).sum()),
                "top_pick_number": top_pick_number,
                "is_top_pick": top_pick_number is not None,
            }
        )
        in_higher |= members
    columns = [
        "segment_id",
        "segment_rank",
        "segment_definition",
        "first_condition_id",
        "second_condition_id",
        "third_condition_id",
        "conditions_in_segment",
        "customers",
        "churned_customers",
        "customers_in_higher_segments",
        "overlap_with_higher_segments",
        "new_churned_customers",
        "top_pick_number",
        "is_top_pick",
    ]
    segments = pd.DataFrame(records, columns=columns)
    segments["top_pick_number"] = segments["top_pick_number"].astype("Int64")
    return with_rates(segments, figures.baseline)


def retention_recommendations(figures: Figures) -> pd.DataFrame:
    """The top picks with their figures and the levers of their conditions' features."""
    return recommendations_from_segments(
        figures, strategic_segments(figures), risk_conditions(figures)
    )


def recommendations_from_segments(
    figures: Figures, segments: pd.DataFrame, conditions: tuple[Condition, ...]
) -> pd.DataFrame:
    """retention_recommendations from segments and conditions already computed."""
    picks = segments[segments["is_top_pick"]].sort_values("segment_rank").reset_index(drop=True)
    levers = pd.read_csv(SEEDS_DIR / "retention_levers.csv").set_index("feature")
    features = {condition.condition_id: condition.feature for condition in conditions}
    bank_rate = figures.baseline.rate
    rows = []
    for number, pick in enumerate(picks.itertuples(), start=1):
        condition_ids = [pick.first_condition_id, pick.second_condition_id]
        if pd.notna(pick.third_condition_id):
            condition_ids.append(pick.third_condition_id)
        found = levers.reindex([features[condition_id] for condition_id in condition_ids])
        found = found.dropna(subset=["lever_priority"]).sort_values("lever_priority")
        levers_en = " ".join(found["lever_en"]) if len(found) else None
        levers_ru = " ".join(found["lever_ru"]) if len(found) else None
        rate = f"{round_half_away_digits(100 * pick.churn_rate, 1)}"
        recommendation = (
            f"Segment {pick.segment_definition}: {pick.customers} customers, churn {rate}% "
            f"against the bank's {round_half_away_digits(100 * bank_rate, 1)}% "
            f"({round_half_away_digits(pick.lift, 1)}x). "
            + (levers_en or "No lever in the catalogue yet: add one to retention_levers.")
        )
        rows.append(
            {
                "segment_id": pick.segment_id,
                "recommendation_rank": number,
                "segment_rank": pick.segment_rank,
                "segment_definition": pick.segment_definition,
                "customers": pick.customers,
                "churned_customers": pick.churned_customers,
                "churn_rate": pick.churn_rate,
                "churn_rate_lower": pick.churn_rate_lower,
                "churn_rate_upper": pick.churn_rate_upper,
                "lift": pick.lift,
                "share_of_churners": pick.share_of_churners,
                "excess_churned_customers": pick.churned_customers - pick.customers * bank_rate,
                "levers_en": levers_en,
                "levers_ru": levers_ru,
                "recommendation_en": recommendation,
            }
        )
    return pd.DataFrame(rows)


def risk_scores(figures: Figures) -> pd.DataFrame:
    """Every customer's risk score: per feature family, the strongest condition met adds its
    excess lift; then ten deciles by score, highest first, ties broken by customer id."""
    conditions = risk_conditions(figures)
    customers = figures.customers
    points_of_family: dict[str, np.ndarray] = {}
    for condition in conditions:
        points = np.where(condition.members, condition.lift - 1, 0.0)
        points_of_family[condition.family] = np.maximum(
            points_of_family.get(condition.family, np.zeros(len(customers))), points
        )
    met = np.array([condition.members for condition in conditions]).T
    records = []
    for position, customer_id in enumerate(customers["customer_id"]):
        # the warehouse sums points as decimals of 12 places so ties stay ties; so does this
        score = sum(
            (
                decimal.Decimal(float(points[position])).quantize(decimal.Decimal("1e-12"))
                for points in points_of_family.values()
                if points[position] > 0
            ),
            decimal.Decimal(0),
        )
        met_here = sorted(
            (
                condition
                for condition, is_met in zip(conditions, met[position], strict=True)
                if is_met
            ),
            key=lambda condition: (-condition.lift, condition.description),
        )
        records.append(
            {
                "customer_id": customer_id,
                "is_churned": bool(customers["is_churned"].iloc[position]),
                "risk_score": float(score),
                "risk_features": sum(
                    bool(points[position] > 0) for points in points_of_family.values()
                ),
                "conditions_met": len(met_here),
                "risk_conditions": "; ".join(condition.description for condition in met_here)
                or None,
            }
        )
    scores = pd.DataFrame(records).sort_values(
        ["risk_score", "customer_id"], ascending=[False, True], ignore_index=True
    )
    # ntile(10): ten groups in score order, the first `count mod 10` of them one customer larger
    size, larger = divmod(len(scores), 10)
    scores["risk_decile"] = np.repeat(
        np.arange(1, 11), [size + (decile < larger) for decile in range(10)]
    )
    return scores


def customer_churn_risk(figures: Figures) -> pd.DataFrame:
    """The retention list: customers still with the bank, ranked by risk score."""
    staying = risk_scores(figures).loc[lambda frame: ~frame["is_churned"]].reset_index(drop=True)
    staying["risk_rank"] = np.arange(1, len(staying) + 1)
    return staying.drop(columns="is_churned")


def risk_lift(figures: Figures) -> pd.DataFrame:
    """Churn by risk-score decile over every customer, churned included (in-sample)."""
    deciles = (
        risk_scores(figures)
        .groupby("risk_decile")
        .agg(
            customers=("customer_id", "size"),
            churned_customers=("is_churned", "sum"),
            min_risk_score=("risk_score", "min"),
            max_risk_score=("risk_score", "max"),
        )
        .reset_index()
    )
    deciles = with_rates(deciles, figures.baseline).drop(columns="share_of_churners")
    deciles["cumulative_share_of_churners"] = (
        deciles["churned_customers"].cumsum() / figures.baseline.churned
    )
    deciles["is_in_sample"] = True
    return deciles


# profile measure -> (customer column, how it is summarised), in the warehouse's order
PROFILE_MEASURES: dict[str, tuple[str, str | float]] = {
    "customers": ("customer_id", "count"),
    **{
        f"{name}_{suffix}": (column, fraction)
        for name, column in (
            ("age", "age"),
            ("score", "score"),
            ("balance", "balance"),
            ("salary", "est_salary"),
        )
        for suffix, fraction in QUARTILES.items()
    },
    "equity_mean": ("equity", "mean"),
    "share_with_balance": ("has_balance", "mean"),
    "share_with_credit_card": ("has_credit_card", "mean"),
    "share_active": ("is_active", "mean"),
    "share_male": ("is_male", "mean"),
}


def with_product_segment(customers: pd.DataFrame) -> pd.DataFrame:
    """Products 1, 2, 3 are segments of their own; four or more are one segment, 4+."""
    capped = customers["products"].clip(upper=4).astype(int)
    return customers.assign(
        product_segment=capped.astype(str).replace("4", "4+"),
        product_segment_order=capped,
        is_male=customers["gender_en"] == "male",
    )


def summarise(group: pd.DataFrame, column: str, how: str | float) -> float:
    if how == "count":
        return float(len(group))
    if how == "mean":
        return float(group[column].astype(float).mean())
    return float(group[column].quantile(float(how)))


def segment_churn_profiles(figures: Figures) -> pd.DataFrame:
    """Churned beside retained customers, per product segment and for the whole bank."""
    customers = with_product_segment(figures.customers)
    scopes = [
        (str(segment), int(order), members)
        for (segment, order), members in customers.groupby(
            ["product_segment", "product_segment_order"]
        )
    ] + [("all", 0, customers)]
    rows = []
    for segment, order, members in scopes:
        for measure_order, (measure, (column, how)) in enumerate(PROFILE_MEASURES.items(), start=1):
            values = {}
            for side, churned in (("churned_value", True), ("retained_value", False)):
                group = members[members["is_churned"] == churned]
                values[side] = summarise(group, column, how) if len(group) else np.nan
            retained = values["retained_value"]
            rows.append(
                {
                    "profile_measure_id": f"{segment}:{measure}",
                    "product_segment": segment,
                    "product_segment_order": order,
                    "measure": measure,
                    "measure_order": measure_order,
                    **values,
                    "relative_difference": (values["churned_value"] - retained) / abs(retained)
                    if retained
                    else np.nan,
                }
            )
    return pd.DataFrame(rows)
