"""Tests of the synthetic customer generator: format, determinism, defects, calibration, scale."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from scripts import generate_customers as gen

SAMPLE = gen.DEFAULT_OUTPUT
ROWS = gen.DEFAULT_ROWS
EXPECTED = {defect.name: defect.per_10k for defect in gen.DEFECTS}
HEADER_LINE = (
    "USERID,score,city,gender,age,equity,balance,products,"
    "credit_card,last_activity,EST_SALARY,churn"
)
FEMALE = gen.GENDER_LABELS[gen.FEMALE]  # Cyrillic letters, named to keep them apart from Latin
MALE = gen.GENDER_LABELS[gen.MALE]


@pytest.fixture(scope="module")
def default_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("default") / "customers.csv"
    assert gen.main(["--output", str(path)]) == 0
    return path


@pytest.fixture(scope="module")
def raw(default_csv: Path) -> pd.DataFrame:
    """The default file as text, exactly as written (empty fields stay empty strings)."""
    return pd.read_csv(default_csv, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def typed() -> pd.DataFrame:
    return gen.generate_frame(ROWS, gen.DEFAULT_SEED)


@pytest.fixture(scope="module")
def customers(typed: pd.DataFrame) -> pd.DataFrame:
    """Rows a validation layer would keep for analysis (well-formed products)."""
    return typed[typed["products"] > 0]


def test_same_seed_and_rows_give_identical_bytes(default_csv: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.csv"
    gen.write_customers(again)
    assert again.read_bytes() == default_csv.read_bytes()


def test_other_seed_gives_other_rows(default_csv: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    gen.write_customers(other, seed=gen.DEFAULT_SEED + 1)
    assert other.read_bytes() != default_csv.read_bytes()


def test_committed_sample_is_the_default_output(default_csv: Path) -> None:
    assert SAMPLE.is_file(), "run `python -m scripts.generate_customers` to write the sample"
    assert SAMPLE.read_bytes() == default_csv.read_bytes(), "sample is stale: regenerate it"


def test_header_row_count_and_value_format(default_csv: Path, raw: pd.DataFrame) -> None:
    lines = default_csv.read_text(encoding="utf-8").split("\n")
    assert lines[0] == HEADER_LINE
    assert lines[-1] == ""  # one newline after the last row, like the real file
    assert len(lines) == ROWS + 2
    assert "\r" not in default_csv.read_text(encoding="utf-8")
    assert list(raw.columns) == list(gen.HEADER)
    assert len(raw) == ROWS
    numeric = raw[raw["age"].str.fullmatch(r"\d+\.0") & raw["balance"].str.match(r"^\d")]
    assert numeric["score"].str.fullmatch(r"\d{3,4}\.0").all()
    assert numeric["balance"].str.fullmatch(r"\d+\.\d{1,2}").all()
    assert raw["EST_SALARY"].str.fullmatch(r"\d+\.\d{1,2}").all()
    for column in ("equity", "products", "credit_card", "last_activity", "churn", "USERID"):
        assert raw[column].str.fullmatch(r"\d+").all(), column
    assert set(raw["city"]) == {*gen.CITY_LABELS}
    assert set(raw["gender"]) == {*gen.GENDER_LABELS}


def test_defect_counts_scale_with_rows() -> None:
    assert gen.defect_counts(ROWS) == EXPECTED
    big = gen.defect_counts(10_000_000)
    assert big["duplicate_id_pair"] == 73_000
    assert big["products_zero"] == 1_000
    assert all(count == 1 for count in gen.defect_counts(150).values())
    assert not any(gen.defect_counts(gen.MIN_ROWS_FOR_DEFECTS - 1).values())


def test_defects_present_with_documented_counts(raw: pd.DataFrame) -> None:
    age, balance = raw["age"], raw["balance"]
    assert (age == gen.AGE_TEXT).sum() == EXPECTED["age_not_a_number"]
    assert (balance == gen.BALANCE_TEXT).sum() == EXPECTED["balance_not_a_number"]
    assert balance.str.startswith("-").sum() == EXPECTED["negative_balance"]
    assert (age == "150.0").sum() == EXPECTED["age_out_of_range"]
    assert (raw["gender"] == "M").sum() == EXPECTED["gender_latin"]
    assert (raw["gender"] == "ж").sum() == EXPECTED["gender_lowercase"]
    assert (raw["city"] == "ярославль ").sum() == EXPECTED["city_case_space"]
    assert (raw["city"] == "Москва").sum() == EXPECTED["city_unknown"]
    assert (raw["products"] == "0").sum() == EXPECTED["products_zero"]
    zero = raw[raw["products"] == "0"].iloc[0]
    assert (zero["churn"], zero["balance"], zero["credit_card"]) == ("1", "", "0")

    assert raw.duplicated().sum() == EXPECTED["exact_duplicate_row"]
    distinct = raw.drop_duplicates()
    shared = distinct[distinct["USERID"].duplicated(keep=False)]
    assert shared["USERID"].nunique() == EXPECTED["duplicate_id_pair"]
    for _, pair in shared.groupby("USERID"):
        assert sorted(pair["city"]) == ["Рыбинск", "Ярославль"]
        assert pair["balance"].nunique() == 2 or pair["age"].nunique() == 2
    assert not distinct.duplicated(["USERID", "city"]).any()

    missing_age = age == ""
    assert missing_age.sum() == EXPECTED["missing_age_in_pair"] + EXPECTED["missing_age"]
    in_pairs = missing_age & raw["USERID"].isin(shared["USERID"])
    assert in_pairs.sum() == EXPECTED["missing_age_in_pair"]


def test_ids_stay_in_the_real_range(raw: pd.DataFrame) -> None:
    ids = raw["USERID"].astype(int)
    assert ids.between(94_561, 229_145).all()
    expected_unique = ROWS - EXPECTED["duplicate_id_pair"] - EXPECTED["exact_duplicate_row"]
    assert ids.nunique() == expected_unique


def test_id_permutation_is_a_bijection_beyond_the_real_range() -> None:
    span = 1_000_003  # odd size: cycle walking must land every index inside it
    ids = gen.permute_ids(np.arange(span, dtype=np.int64), span, seed=7)
    assert np.array_equal(np.sort(ids), np.arange(span))
    assert gen.id_span(ROWS) == gen.REAL_ID_SPAN
    assert gen.id_span(10_000_000) == 130_000_000


def test_marginals_look_like_the_bank(typed: pd.DataFrame) -> None:
    shares = typed["city"].value_counts(normalize=True)
    assert shares["Ярославль"] == pytest.approx(0.589, abs=0.02)
    assert shares["Рыбинск"] == pytest.approx(0.270, abs=0.02)
    assert shares["Ростов"] == pytest.approx(0.142, abs=0.02)
    assert (typed["gender"] == MALE).mean() == pytest.approx(0.50, abs=0.02)
    age = typed["age"][typed["age"] < 100]
    assert age.min() >= 18
    assert 70 <= age.max() <= 86
    assert age.median() == pytest.approx(40, abs=2)
    assert typed["score"].between(642, 1000).all()
    balance = typed["balance"][typed["balance"] >= 0]
    assert balance.median() == pytest.approx(524_000, rel=0.08)
    assert balance.quantile(0.99) > 5 * balance.median()  # heavy tail...
    assert balance.max() > 15_000_000  # ...with a few extreme accounts
    assert typed["balance"].isna().mean() == pytest.approx(0.23, abs=0.02)
    assert typed["EST_SALARY"].median() == pytest.approx(119_700, rel=0.05)
    assert typed["EST_SALARY"].max() < 1_400_000
    assert typed["products"].value_counts().get(5, 0) in range(8, 35)


@pytest.mark.parametrize(
    ("products", "target", "tolerance"),
    [(1, 0.070, 0.025), (2, 0.191, 0.03), (3, 0.286, 0.05), (4, 0.633, 0.08)],
)
def test_churn_by_products(
    customers: pd.DataFrame, products: int, target: float, tolerance: float
) -> None:
    rate = customers["churn"][customers["products"] == products].mean()
    assert rate == pytest.approx(target, abs=tolerance)


def test_churn_by_gender_equity_and_balance_presence(customers: pd.DataFrame) -> None:
    churn = customers["churn"]
    assert churn.mean() == pytest.approx(0.182, abs=0.015)
    assert churn[customers["gender"] == FEMALE].mean() == pytest.approx(0.127, abs=0.025)
    assert churn[customers["gender"] == MALE].mean() == pytest.approx(0.236, abs=0.025)
    missing = customers["balance"].isna()
    assert churn[missing].mean() < 0.02
    assert churn[~missing].mean() == pytest.approx(0.235, abs=0.025)
    equity = customers["equity"]
    assert churn[equity == 0].mean() == pytest.approx(0.035, abs=0.02)
    assert churn[equity == 5].mean() == pytest.approx(0.30, abs=0.04)
    assert churn[equity >= 7].mean() > 0.35
    active = customers["last_activity"] == 1
    assert churn[active].mean() > churn[~active].mean() + 0.08
    card = customers["credit_card"] == 1
    assert churn[card].mean() < churn[~card].mean() - 0.05


def test_churners_hold_more_money_but_not_more_salary(customers: pd.DataFrame) -> None:
    churned = customers["churn"] == 1
    balance = customers["balance"]
    assert balance[churned].median() > 1.4 * balance[~churned].median()
    salary = customers["EST_SALARY"]
    assert salary[churned].mean() == pytest.approx(salary[~churned].mean(), rel=0.06)


def test_missing_balance_sits_with_propertyless_one_product_customers(
    customers: pd.DataFrame,
) -> None:
    missing = customers["balance"].isna()
    at_zero = (customers["equity"][missing] == 0).mean()
    assert at_zero == pytest.approx(0.95, abs=0.03)
    # The one balance written as text is NaN in the typed frame, wherever its equity is.
    elsewhere = ~customers["equity"][missing].isin([0, 1])
    assert elsewhere.sum() <= EXPECTED["balance_not_a_number"]
    assert (customers["products"][missing] == 1).mean() > 0.8
    for column in ("credit_card", "EST_SALARY", "score"):
        assert customers[column][missing].median() >= customers[column][~missing].median()


def test_chunked_output_equals_one_shot(tmp_path: Path) -> None:
    rows = 12_000  # three generation blocks, so chunks cut through blocks
    one_shot, chunked = tmp_path / "one.csv", tmp_path / "chunked.csv"
    gen.write_customers(one_shot, rows=rows, seed=11, chunk_rows=rows)
    gen.write_customers(chunked, rows=rows, seed=11, chunk_rows=2_999)
    assert chunked.read_bytes() == one_shot.read_bytes()

    whole = gen.generate_frame(rows, seed=11)
    parts = pd.concat(gen.chunk_to_frame(c) for c in gen.iter_chunks(rows, 11, chunk_rows=1_234))
    pd.testing.assert_frame_equal(parts, whole)


def test_a_single_row_is_built_alone_like_in_the_whole_file() -> None:
    rows, seed = 12_000, 11
    whole = gen.generate_frame(rows, seed)
    plan = gen.plan_defects(rows, seed)
    # Copies whose original lies outside the one-row chunk exercise the out-of-chunk lookup.
    picks = [*plan.duplicate_target.tolist(), *plan.pair_second[:3].tolist(), 0, rows - 1]
    for row in picks:
        alone = gen.chunk_to_frame(gen.build_chunk(rows, seed, row, row + 1))
        pd.testing.assert_frame_equal(alone, whole.loc[[row]])


def test_parquet_round_trips_through_duckdb(tmp_path: Path) -> None:
    csv_path, parquet_path = tmp_path / "c.csv", tmp_path / "c.parquet"
    assert gen.main(["--rows", "800", "--seed", "5", "--output", str(csv_path)]) == 0
    args = ["--rows", "800", "--seed", "5", "--format", "parquet", "--output", str(parquet_path)]
    assert gen.main(args) == 0
    with duckdb.connect() as con:
        from_parquet = con.execute(f"SELECT * FROM read_parquet('{parquet_path}')").df()
        types = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{parquet_path}')").df()
    assert set(types["column_type"]) == {"VARCHAR"}
    from_csv = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    assert list(from_parquet.columns) == list(gen.HEADER)
    pd.testing.assert_frame_equal(
        from_parquet.fillna("").astype(object), from_csv.astype(object), check_dtype=False
    )
    assert (from_parquet["gender"] == "M").sum() == 1
    assert (from_parquet["age"] == gen.AGE_TEXT).sum() == 1


def test_small_files_have_no_defects(tmp_path: Path) -> None:
    path = tmp_path / "tiny.csv"
    gen.write_customers(path, rows=40, seed=3)
    tiny = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert len(tiny) == 40
    assert tiny["USERID"].is_unique
    assert set(tiny["city"]) <= {"Ярославль", "Рыбинск", "Ростов"}
