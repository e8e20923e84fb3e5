"""The hypothesis script on built warehouses: every statistic against scipy on the raw arrays."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from scripts import hypotheses
from scripts.hypothesis_registry import Hypothesis, load_registry
from scripts.tests.independent_hypotheses import hypothesis_results
from scripts.warehouse import Warehouse

RELATIVE = 1e-9


def run(database: Path, reports_dir: Path, *extra: str) -> pd.DataFrame:
    """The script on a copy of the warehouse, so the session's shared builds stay as built."""
    scratch = reports_dir / "warehouse.duckdb"
    shutil.copyfile(database, scratch)
    arguments = ["--database", str(scratch), "--reports-dir", str(reports_dir), *extra]
    assert hypotheses.main(arguments) == 0
    with duckdb.connect(str(scratch), read_only=True) as connection:
        results = connection.execute("select * from rpt_hypothesis_results").df()
    return results.set_index("hypothesis_id")


def fetch_values(database: Path, sql: str) -> np.ndarray:
    with duckdb.connect(str(database), read_only=True) as connection:
        return np.array([row[0] for row in connection.execute(sql).fetchall()], dtype=float)


def raw_groups(database: Path, hypothesis: Hypothesis) -> list[np.ndarray]:
    """The customers' values themselves, fetched here only to check the script against."""
    population = f"and ({hypothesis.where})" if hypothesis.where else ""
    return [
        fetch_values(
            database,
            f"select cast({hypothesis.metric} as double) from {hypothesis.mart} "
            f"where ({group.filter}) and {hypothesis.metric} is not null {population}",
        )
        for group in hypothesis.groups
    ]


def assert_matches_scipy(database: Path, registry: list[Hypothesis], results: pd.DataFrame) -> None:
    for hypothesis in registry:
        row = results.loc[hypothesis.id]
        if hypothesis.kind == "rates_across_levels":
            with duckdb.connect(str(database), read_only=True) as connection:
                table = connection.execute(
                    f"select {hypothesis.by}, {hypothesis.metric}, count(*) from {hypothesis.mart} "
                    "group by all"
                ).df()
            crosstab = table.pivot_table(
                index=table.columns[0], columns=table.columns[1], values=table.columns[2]
            )
            expected = stats.chi2_contingency(crosstab.to_numpy(), correction=False)
            assert row["statistic"] == pytest.approx(expected.statistic, rel=RELATIVE)
            assert row["p_value"] == pytest.approx(expected.pvalue, rel=RELATIVE)
            continue
        first, second = raw_groups(database, hypothesis)
        assert (row["n_1"], row["n_2"]) == (len(first), len(second))
        if hypothesis.kind == "compare_rates":
            table = [
                [first.sum(), len(first) - first.sum()],
                [second.sum(), len(second) - second.sum()],
            ]
            chi_square = stats.chi2_contingency(table, correction=False)
            z = (first.mean() - second.mean()) / np.sqrt(
                np.concatenate([first, second]).mean()
                * (1 - np.concatenate([first, second]).mean())
                * (1 / len(first) + 1 / len(second))
            )
            assert row["statistic"] ** 2 == pytest.approx(chi_square.statistic, rel=RELATIVE)
            assert row["statistic"] == pytest.approx(z, rel=RELATIVE)
            expected_p = {
                "two-sided": chi_square.pvalue,
                "greater": stats.norm.sf(z),
                "less": stats.norm.cdf(z),
            }[hypothesis.alternative]
            assert row["p_value"] == pytest.approx(expected_p, rel=RELATIVE)
            continue
        welch = stats.ttest_ind(first, second, equal_var=False, alternative=hypothesis.alternative)
        mann_whitney = stats.mannwhitneyu(
            first, second, alternative=hypothesis.alternative, method="asymptotic"
        )
        assert row["welch_t"] == pytest.approx(welch.statistic, rel=RELATIVE)
        assert row["welch_p"] == pytest.approx(welch.pvalue, rel=RELATIVE)
        assert row["mann_whitney_u"] == pytest.approx(mann_whitney.statistic, rel=RELATIVE)
        assert row["mann_whitney_p"] == pytest.approx(mann_whitney.pvalue, rel=RELATIVE)
        assert row["median_1"] == pytest.approx(np.median(first), rel=RELATIVE)
        assert row["median_2"] == pytest.approx(np.median(second), rel=RELATIVE)
        assert row["mean_2"] == pytest.approx(second.mean(), rel=RELATIVE)


# text columns that state a result; the other text columns are copied from the registry or
# are the conclusions in words
RESULT_TEXT_COLUMNS = {"primary_test", "verdict", "level_rates"}


def assert_matches_independent_results(reported: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Every figure, test choice and verdict; a figure the kind has no use for is empty."""
    assert list(reported.index) == list(expected.index)
    words = {
        column
        for column in reported.columns
        if pd.api.types.is_string_dtype(reported[column]) and column not in RESULT_TEXT_COLUMNS
    }
    for column in reported.columns.difference(sorted(words)):
        for hypothesis_id in reported.index:
            got = reported.at[hypothesis_id, column]
            want = expected.at[hypothesis_id, column] if column in expected.columns else None
            where = f"{hypothesis_id}.{column}"
            if want is None or (isinstance(want, float) and np.isnan(want)):
                assert pd.isna(got), f"{where}: expected empty, got {got}"
            elif isinstance(want, float | np.floating):
                assert got == pytest.approx(want, rel=RELATIVE, abs=1e-300), where
            else:
                assert got == want, f"{where}: {got!r} != {want!r}"


def assert_conclusions_state_the_figures(reported: pd.DataFrame, expected: pd.DataFrame) -> None:
    for hypothesis_id, row in expected.iterrows():
        conclusion = reported.at[hypothesis_id, "conclusion"]
        if row["primary_test"] == "chi_square":
            shares = row["level_rates"].split(", ")
            assert all(share in conclusion for share in shares), hypothesis_id
        elif row["primary_test"] == "two_proportion_z":
            assert f"{100 * row['rate_1']:.1f}%" in conclusion, hypothesis_id
            assert f"{100 * row['rate_2']:.1f}%" in conclusion, hypothesis_id
        else:
            for number in (1, 2):
                assert f"median {row[f'median_{number}']:,.0f}" in conclusion, hypothesis_id
                assert f"mean {row[f'mean_{number}']:,.0f}" in conclusion, hypothesis_id


@pytest.mark.parametrize(
    "warehouse_fixture",
    [
        pytest.param("sample_warehouse", id="sample"),
        pytest.param("real_warehouse", id="real", marks=pytest.mark.real_file),
    ],
)
@pytest.mark.parametrize("grouped_ranks", [True, False], ids=["grouped", "sorted"])
def test_builtin_hypotheses_match_the_independent_computation(
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    warehouse_fixture: str,
    grouped_ranks: bool,
    tmp_path: Path,
) -> None:
    # the rank sums of every metric both ways: from per-value counts, and from the pooled sort
    monkeypatch.setattr(hypotheses, "has_grouped_ranks", lambda *_: grouped_ranks)
    warehouse: Warehouse = request.getfixturevalue(warehouse_fixture)
    results = run(warehouse.duckdb_path, tmp_path)
    expected = hypothesis_results(warehouse.customers_csv)
    assert_matches_independent_results(results, expected)
    assert_conclusions_state_the_figures(results, expected)
    assert (tmp_path / "hypotheses.md").is_file()
    assert (tmp_path / "hypotheses.json").is_file()


@pytest.mark.real_file
def test_real_file_balance_hypothesis_is_contradicted(
    real_warehouse: Warehouse, tmp_path: Path
) -> None:
    results = run(real_warehouse.duckdb_path, tmp_path)
    assert results.loc["H2", "verdict"] == "contradicted"
    assert results.loc["H2", "median_1"] > results.loc["H2", "median_2"]
    assert "contradict" in results.loc["H2", "conclusion"]
    assert results.loc["H4", "verdict"] == "contradicted"
    assert results.loc["H5", "verdict"] == "difference found"
    assert results.loc["H3", "welch_p"] > 0.5
    assert results.loc["H3", "primary_test"] == "mann_whitney_u"


@pytest.mark.parametrize("grouped_ranks", [True, False], ids=["grouped", "sorted"])
def test_generated_data_with_ties_match_scipy(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, grouped_ranks: bool
) -> None:
    monkeypatch.setattr(hypotheses, "has_grouped_ranks", lambda *_: grouped_ranks)
    database = tmp_path / "ties.duckdb"
    generator = np.random.default_rng(11)
    frame = pd.DataFrame(
        {
            "score": generator.integers(0, 8, 4000),
            "segment": generator.integers(1, 3, 4000),
            "flag": generator.random(4000) < 0.3,
        }
    )
    with duckdb.connect(str(database)) as connection:
        connection.register("generated", frame)
        connection.execute("create table scores as select * from generated")
    registry_path = tmp_path / "registry.yml"
    registry_path.write_text(
        """
hypotheses:
  - {id: T1, question: 'do scores differ',  kind: compare_values, mart: scores, metric: score,
     groups: [{label: one, filter: segment = 1}, {label: two, filter: segment = 2}],
     alternative: greater}
  - {id: T2, question: 'do flags differ',  kind: compare_rates, mart: scores, metric: flag,
     groups: [{label: one, filter: segment = 1}, {label: two, filter: segment = 2}],
     alternative: less}
  - {id: T3, question: 'flags by segment',  kind: rates_across_levels, mart: scores, metric: flag,
     by: segment, alternative: two-sided}
""",
        encoding="utf-8",
    )
    results = run(database, tmp_path, "--registry", str(registry_path))
    assert_matches_scipy(database, load_registry(registry_path), results)


@pytest.mark.parametrize(
    ("column_type", "grouped"),
    [("integer", True), ("boolean", True), ("decimal(18, 2)", False), ("double", False)],
)
def test_whole_number_metrics_take_ranks_from_per_value_counts(
    column_type: str, grouped: bool
) -> None:
    hypothesis = Hypothesis(
        id="T",
        question="q",
        kind="compare_values",
        mart="amounts",
        metric="amount",
        groups=(),
        alternative="less",
        alpha=0.05,
    )
    with duckdb.connect() as connection:
        connection.execute(f"create table amounts as select cast(1 as {column_type}) as amount")
        assert hypotheses.has_grouped_ranks(connection, hypothesis) is grouped
        connection.execute("delete from amounts")
        # an empty mart has no type to go by; the sort works for any metric
        assert hypotheses.has_grouped_ranks(connection, hypothesis) is False


def test_hypotheses_the_data_cannot_test_are_reported_with_the_reason(tmp_path: Path) -> None:
    # a narrow file: one city, a tiny second segment, nobody flagged. Each untestable hypothesis
    # says why, the testable one is adjusted as a family of one, and the script exits 0
    database = tmp_path / "narrow.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute(
            """
            create table narrow as
            select
                i as score,
                cast(i * 1.5 + (i % 3) as double) as amount,
                7 as constant,
                case when i <= 10 then 1 else 2 end as segment,
                'Рыбинск' as city,
                false as flag
            from range(1, 12) as t(i)
            """
        )
    registry_path = tmp_path / "registry.yml"
    registry_path.write_text(
        """
hypotheses:
  - {id: N1, question: 'small second group', kind: compare_values, mart: narrow, metric: score,
     groups: [{label: one, filter: segment = 1}, {label: two, filter: segment = 2}],
     alternative: two-sided}
  - {id: N2, question: 'empty second group', kind: compare_rates, mart: narrow, metric: flag,
     groups: [{label: one, filter: segment = 1}, {label: three, filter: segment = 3}],
     alternative: less}
  - {id: N3, question: 'nobody flagged', kind: compare_rates, mart: narrow, metric: flag,
     groups: [{label: low, filter: score <= 5}, {label: high, filter: score > 5}],
     alternative: less}
  - {id: N4, question: 'one city', kind: rates_across_levels, mart: narrow, metric: flag,
     by: city, alternative: two-sided}
  - {id: N5, question: 'a constant', kind: compare_values, mart: narrow, metric: constant,
     groups: [{label: low, filter: score <= 5}, {label: high, filter: score > 5}],
     alternative: greater}
  - {id: T1, question: 'amounts by score', kind: compare_values, mart: narrow, metric: amount,
     groups: [{label: low, filter: score <= 5}, {label: high, filter: score > 5}],
     alternative: less}
""",
        encoding="utf-8",
    )
    results = run(database, tmp_path, "--registry", str(registry_path))

    untestable = results.loc[["N1", "N2", "N3", "N4", "N5"]]
    assert (untestable["verdict"] == "not testable").all()
    assert untestable["p_value"].isna().all()
    assert untestable["p_value_holm"].isna().all()
    assert untestable["is_rejected"].isna().all()
    reasons = untestable["not_testable_reason"]
    assert reasons["N1"] == "each group needs at least 2 customers, and the groups have 10 / 1"
    assert reasons["N2"].endswith("the groups have 10 / 0")
    assert reasons["N3"] == "flag is the same for every customer tested (False)"
    assert reasons["N4"] == "the customers tested have fewer than two levels of city (Рыбинск)"
    assert reasons["N5"] == "constant does not vary within either group"
    assert untestable.loc["N4", "conclusion_ru"].startswith("Гипотезу на этих данных не проверить")

    tested = results.loc["T1"]
    assert tested["verdict"] != "not testable"
    assert pd.isna(tested["not_testable_reason"])
    # Holm over the one hypothesis tested leaves its p-value as it is
    assert tested["p_value_holm"] == pytest.approx(tested["p_value"], rel=RELATIVE)
    assert "| N1 | small second group | — | — | not testable |" in (
        tmp_path / "hypotheses.md"
    ).read_text(encoding="utf-8")


def test_only_and_alpha_select_and_override(sample_warehouse: Warehouse, tmp_path: Path) -> None:
    results = run(sample_warehouse.duckdb_path, tmp_path, "--only", "H5", "H1", "--alpha", "0.01")
    assert sorted(results.index) == ["H1", "H5"]
    assert (results["alpha"] == 0.01).all()


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{id: B1, kind: compare_values, mart: m, metric: x, alternative: less}", "B1: `question`"),
        (
            "{id: B2, question: q, kind: compare_values, mart: m, metric: x, "
            "alternative: sideways, "
            "groups: [{label: a, filter: x > 1}, {label: b, filter: x <= 1}]}",
            "B2: `alternative`",
        ),
        (
            "{id: B3, question: q, kind: compare_values, mart: m, metric: x, alternative: less}",
            "B3: `groups`",
        ),
    ],
)
def test_bad_registry_entry_is_named_by_id_and_field(
    sample_warehouse: Warehouse,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    entry: str,
    message: str,
) -> None:
    registry_path = tmp_path / "bad.yml"
    registry_path.write_text(f"hypotheses:\n  - {entry}\n", encoding="utf-8")
    code = hypotheses.main(
        ["--database", str(sample_warehouse.duckdb_path), "--registry", str(registry_path)]
    )
    assert code == 2
    assert message in capsys.readouterr().err


def test_missing_mart_is_an_error_naming_the_hypothesis(
    sample_warehouse: Warehouse, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    registry_path = tmp_path / "missing.yml"
    registry_path.write_text(
        "hypotheses:\n  - {id: M1, question: q, kind: rates_across_levels, mart: no_such_mart, "
        "metric: is_churned, by: city, alternative: two-sided}\n",
        encoding="utf-8",
    )
    code = hypotheses.main(
        ["--database", str(sample_warehouse.duckdb_path), "--registry", str(registry_path)]
    )
    assert code == 2
    assert "hypothesis M1" in capsys.readouterr().err


def test_help_exits_zero() -> None:
    with pytest.raises(SystemExit) as exit_info:
        hypotheses.main(["--help"])
    assert exit_info.value.code == 0


TRANSLATED = """
hypotheses:
  - id: R1
    question: do balances differ
    question_ru: различаются ли остатки
    kind: compare_values
    mart: dim_customers
    metric: balance
    groups:
      - {label: churned, label_ru: ушедшие, filter: is_churned}
      - {label: retained, filter: not is_churned}
    alternative: less
  - {id: R2, question: churn by city, kind: rates_across_levels, mart: dim_customers,
     metric: is_churned, by: city, alternative: two-sided}
"""


def test_translations_are_optional_and_fall_back_to_english(tmp_path: Path) -> None:
    registry_path = tmp_path / "translated.yml"
    registry_path.write_text(TRANSLATED, encoding="utf-8")
    values, levels = load_registry(registry_path)
    assert values.question_ru == "различаются ли остатки"
    assert [group.label_ru for group in values.groups] == ["ушедшие", None]
    assert [hypotheses.group_label(group, "ru") for group in values.groups] == [
        "ушедшие",
        "retained",
    ]
    assert levels.question_ru is None


def test_conclusions_state_the_figures_test_and_verdict_in_each_language(tmp_path: Path) -> None:
    registry_path = tmp_path / "translated.yml"
    registry_path.write_text(TRANSLATED, encoding="utf-8")
    values, levels = load_registry(registry_path)
    result = {
        "verdict": "contradicted",
        "primary_test": "mann_whitney_u",
        "p_value_holm": 1.0,
        "p_value_opposite": 1.2e-70,
        "median_1": 782410.47,
        "mean_1": 1133993.0,
        "median_2": 475382.4,
        "mean_2": 733983.2,
    }
    assert hypotheses.conclude(values, result, "ru") == (
        "ушедшие: медиана 782\u202f410 руб., среднее 1\u202f133\u202f993 руб.; "
        "retained: медиана 475\u202f382 руб., среднее 733\u202f983 руб.; "
        "U-критерий Манна–Уитни: p = 1 (с поправкой Холма). "
        "Данные противоречат гипотезе: различие направлено в обратную сторону "
        "(односторонний p < 0,001)."
    )
    assert hypotheses.conclude(values, result, "en") == (
        "churned: median 782,410 roubles, mean 1,133,993 roubles; "
        "retained: median 475,382 roubles, mean 733,983 roubles; "
        "Mann-Whitney U test: p = 1 (Holm-adjusted). "
        "The data contradict the hypothesis: the difference runs the other way "
        "(one-sided p < 0.001 in that direction)."
    )
    across = {
        "verdict": "difference found",
        "primary_test": "chi_square",
        "p_value_holm": 0.0334,
        "p_value_opposite": 0.0334,
        "level_shares": [("Ростов", 0.1877), ("Рыбинск", 0.1618)],
    }
    assert hypotheses.conclude(levels, across, "ru") == (
        "Город: Ростов 18,8%, Рыбинск 16,2%; критерий хи-квадрат: p = 0,033 "
        "(с поправкой Холма). Различие статистически значимо."
    )


@pytest.mark.parametrize(
    ("alternative", "rejected", "opposite_rejected", "expected"),
    [
        ("two-sided", True, True, "difference found"),
        ("two-sided", False, False, "no difference found"),
        ("less", True, False, "supported"),
        ("greater", False, True, "contradicted"),
        ("less", False, False, "not supported"),
    ],
)
def test_verdict_states_the_direction_the_data_show(
    alternative: str, rejected: bool, opposite_rejected: bool, expected: str
) -> None:
    assert hypotheses.verdict(alternative, rejected, opposite_rejected) == expected
