"""Tests of the synthetic customer generator: format, determinism, defects, calibration, scale."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from scripts import generate_customers as cli
from scripts.synthetic import calibration, chunks, customers, defects, ids, schema, streams, writer

SAMPLE = cli.DEFAULT_OUTPUT
ROWS = cli.DEFAULT_ROWS
SEED = cli.DEFAULT_SEED
EXPECTED = {defect.name: defect.per_10k for defect in cli.DEFECTS}
HEADER_LINE = (
    "USERID,score,city,gender,age,equity,balance,products,"
    "credit_card,last_activity,EST_SALARY,churn"
)
# Cyrillic letters, named to keep them apart from the Latin M.
FEMALE = schema.GENDER_LABELS[schema.FEMALE]
MALE = schema.GENDER_LABELS[schema.MALE]


def write(path: Path, rows: int = ROWS, seed: int = SEED, chunk_rows: int = 200_000) -> Path:
    writer.write_customers(path, rows, seed, "csv", chunk_rows)
    return path


@pytest.fixture(scope="module")
def default_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("default") / "customers.csv"
    assert cli.main(["--output", str(path)]) == 0
    return path


@pytest.fixture(scope="module")
def raw(default_csv: Path) -> pd.DataFrame:
    """The default file as text, exactly as written (empty fields stay empty strings)."""
    return pd.read_csv(default_csv, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def typed() -> pd.DataFrame:
    return chunks.generate_frame(ROWS, SEED)


@pytest.fixture(scope="module")
def clients(typed: pd.DataFrame) -> pd.DataFrame:
    """Rows a validation layer would keep for analysis (well-formed products)."""
    return typed[typed["products"] > 0]


# --- Determinism and the committed sample ---------------------------------------------------


def test_same_seed_and_rows_give_identical_bytes(default_csv: Path, tmp_path: Path) -> None:
    assert write(tmp_path / "again.csv").read_bytes() == default_csv.read_bytes()


def test_other_seed_gives_other_rows(default_csv: Path, tmp_path: Path) -> None:
    other = write(tmp_path / "other.csv", seed=SEED + 1)
    assert other.read_bytes() != default_csv.read_bytes()


def test_committed_sample_is_the_default_output(default_csv: Path) -> None:
    assert SAMPLE.is_file(), "run `python -m scripts.generate_customers` to write the sample"
    assert SAMPLE.read_bytes() == default_csv.read_bytes(), "sample is stale: regenerate it"


def test_chunked_output_equals_one_shot(tmp_path: Path) -> None:
    rows = 12_000  # three generation blocks, so chunks cut through blocks
    one_shot = write(tmp_path / "one.csv", rows=rows, seed=11, chunk_rows=rows)
    chunked = write(tmp_path / "chunked.csv", rows=rows, seed=11, chunk_rows=2_999)
    assert chunked.read_bytes() == one_shot.read_bytes()

    whole = chunks.generate_frame(rows, seed=11)
    parts = pd.concat(chunks.chunk_to_frame(c) for c in chunks.iter_chunks(rows, 11, 1_234))
    pd.testing.assert_frame_equal(parts, whole)


def test_a_single_row_is_built_alone_like_in_the_whole_file() -> None:
    rows, seed = 12_000, 11
    whole = chunks.generate_frame(rows, seed)
    plan = defects.plan_defects(rows, seed)
    # Copies and their originals, pair rows and the file's edges, each built as a one-row chunk.
    picks = [
        *plan.copy_target.tolist(),
        *plan.copy_source.tolist(),
        *plan.pair_second[:3].tolist(),
        0,
        rows - 1,
    ]
    for row in picks:
        alone = chunks.chunk_to_frame(chunks.build_chunk(rows, seed, row, row + 1))
        pd.testing.assert_frame_equal(alone, whole.loc[[row]])


# --- Format ---------------------------------------------------------------------------------


def test_header_row_count_and_value_format(default_csv: Path, raw: pd.DataFrame) -> None:
    lines = default_csv.read_text(encoding="utf-8").split("\n")
    assert lines[0] == HEADER_LINE
    assert lines[-1] == ""  # one newline after the last row, like the real file
    assert len(lines) == ROWS + 2
    assert "\r" not in default_csv.read_text(encoding="utf-8")
    assert '"' not in default_csv.read_text(encoding="utf-8")
    assert list(raw.columns) == list(schema.HEADER)
    assert len(raw) == ROWS
    numeric = raw[raw["age"].str.fullmatch(r"\d+\.0") & raw["balance"].str.match(r"^\d")]
    assert numeric["score"].str.fullmatch(r"\d{3,4}\.0").all()
    assert numeric["balance"].str.fullmatch(r"\d+\.\d{1,2}").all()
    assert raw["EST_SALARY"].str.fullmatch(r"\d+\.\d{1,2}").all()
    for column in ("equity", "products", "credit_card", "last_activity", "churn", "USERID"):
        assert raw[column].str.fullmatch(r"\d+").all(), column
    assert set(raw["city"]) == {*schema.CITY_LABELS}
    assert set(raw["gender"]) == {*schema.GENDER_LABELS}


def test_written_values_read_back_to_the_typed_values(
    raw: pd.DataFrame, typed: pd.DataFrame
) -> None:
    texts = ["", defects.AGE_TEXT, defects.BALANCE_TEXT]
    for column in ("score", "age", "balance", "EST_SALARY"):
        text = raw[column].where(~raw[column].isin(texts))
        np.testing.assert_array_equal(text.astype(float).to_numpy(), typed[column].to_numpy())


def test_float_texts_are_shortest_round_trip_text() -> None:
    rng = np.random.default_rng(0)
    amounts = np.round(np.exp(rng.uniform(0, 19, 5_000)), 2) * rng.choice([-1, 1], 5_000)
    values = np.concatenate([amounts, [np.nan, 0.1, 0.5, 12.0, 1e22, -0.0]])
    expected = ["" if np.isnan(v) else repr(float(v)) for v in values]
    assert writer.float_texts(values) == expected
    # Small whole numbers take the table path and must read the same.
    whole = np.array([642.0, 1000.0, 18.0, 150.0, 0.0, np.nan])
    assert writer.float_texts(whole) == ["642.0", "1000.0", "18.0", "150.0", "0.0", ""]
    assert writer.float_texts(np.array([-0.0, 1001.0])) == ["-0.0", "1001.0"]


def test_label_and_column_texts() -> None:
    codes = np.array([0, 2, 1], dtype=np.int64)
    assert writer.label_texts(codes, ("a", "b", "c")) == ["a", "c", "b"]
    assert writer.column_texts("city", codes) == [schema.CITY_LABELS[c] for c in (0, 2, 1)]
    assert writer.column_texts("churn", np.array([1, 0])) == ["1", "0"]
    assert writer.column_texts("USERID", np.array([94_561, 229_145])) == ["94561", "229145"]
    assert writer.column_texts("age", np.array([38.0, np.nan])) == ["38.0", ""]


def test_no_field_needs_quoting() -> None:
    fixed = [*schema.CITY_LABELS, *schema.GENDER_LABELS, *writer.TEXT_BY_COLUMN.values()]
    assert not any(set(text) & {",", '"', "\n", "\r"} for text in fixed)


def test_csv_lines_put_planted_texts_in_their_fields() -> None:
    plan = defects.plan_defects(ROWS, SEED)
    row = int(plan.rows_of["age_not_a_number"][0])
    chunk = chunks.build_chunk(ROWS, SEED, row, row + 1, plan)
    fields = writer.csv_lines(chunk).rstrip("\n").split(",")
    assert fields[schema.HEADER.index("age")] == defects.AGE_TEXT
    assert writer.csv_lines(chunk).count("\n") == 1


def test_parquet_round_trips_through_duckdb(tmp_path: Path) -> None:
    csv_path, parquet_path = tmp_path / "c.csv", tmp_path / "c.parquet"
    assert cli.main(["--rows", "800", "--seed", "5", "--output", str(csv_path)]) == 0
    args = ["--rows", "800", "--seed", "5", "--format", "parquet", "--output", str(parquet_path)]
    assert cli.main(args) == 0
    with duckdb.connect() as con:
        from_parquet = con.execute(f"select * from read_parquet('{parquet_path}')").df()
        types = con.execute(f"describe select * from read_parquet('{parquet_path}')").df()
    assert set(types["column_type"]) == {"VARCHAR"}
    from_csv = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    assert list(from_parquet.columns) == list(schema.HEADER)
    pd.testing.assert_frame_equal(
        from_parquet.fillna("").astype(object), from_csv.astype(object), check_dtype=False
    )
    assert (from_parquet["gender"] == "M").sum() == 1
    assert (from_parquet["age"] == defects.AGE_TEXT).sum() == 1


# --- Arguments ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [["--rows", "0"], ["--chunk-rows", "-1"], ["--seed", "-1"], ["--format", "json"]],
)
def test_cli_rejects_bad_arguments(args: list[str]) -> None:
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(args)


def test_library_rejects_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="format"):
        writer.write_customers(tmp_path / "x.json", 10, 1, "json", 10)
    with pytest.raises(ValueError, match="positive"):
        chunks.iter_chunks(10, 1, 0)  # fails at the call, before any chunk is asked for
    with pytest.raises(ValueError, match="row range"):
        chunks.build_chunk(10, 1, 5, 11)
    assert not (tmp_path / "x.json").exists()


# --- Defects --------------------------------------------------------------------------------


def test_defect_counts_scale_with_rows() -> None:
    assert defects.defect_counts(ROWS) == EXPECTED
    big = defects.defect_counts(10_000_000)
    assert big["duplicate_id_pair"] == 73_000
    assert big["products_zero"] == 1_000
    assert all(count == 1 for count in defects.defect_counts(150).values())
    assert not any(defects.defect_counts(defects.MIN_ROWS_FOR_DEFECTS - 1).values())


def test_defects_present_with_documented_counts(raw: pd.DataFrame) -> None:
    age, balance = raw["age"], raw["balance"]
    assert (age == defects.AGE_TEXT).sum() == EXPECTED["age_not_a_number"]
    assert (balance == defects.BALANCE_TEXT).sum() == EXPECTED["balance_not_a_number"]
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


def test_defect_table_and_plan_are_consistent() -> None:
    names = [defect.name for defect in defects.DEFECTS]
    assert len(set(names)) == len(names)
    plan = defects.plan_defects(ROWS, SEED)
    assert set(plan.rows_of) == {*defects.SINGLE_ROW_DEFECTS, defects.PAIR_AGE}
    singles = np.concatenate([plan.rows_of[name] for name in defects.SINGLE_ROW_DEFECTS])
    structural = [plan.pair_first, plan.pair_second, plan.copy_target, plan.copy_source]
    every = np.concatenate([singles, *structural])
    assert len(np.unique(every)) == len(every)  # one defect a row, except ages in pairs
    assert np.isin(plan.rows_of[defects.PAIR_AGE], [plan.pair_first, plan.pair_second]).all()
    same_block = plan.copy_source // streams.BLOCK_ROWS == plan.copy_target // streams.BLOCK_ROWS
    assert same_block.all()
    tiny = defects.plan_defects(defects.MIN_ROWS_FOR_DEFECTS - 1, SEED)
    assert not tiny.rows_of
    assert len(tiny.pair_first) == len(tiny.copy_target) == 0


def test_split_rows_cuts_consecutive_sorted_runs() -> None:
    parts = defects.split_rows(np.array([5, 3, 9, 1, 7]), {"a": 2, "b": 0, "c": 3}, ("a", "b", "c"))
    assert {name: part.tolist() for name, part in parts.items()} == {
        "a": [3, 5],
        "b": [],
        "c": [1, 7, 9],
    }


def test_copy_sources_are_free_rows_of_the_target_block() -> None:
    rng = np.random.default_rng(1)
    block = streams.BLOCK_ROWS
    targets = np.array([3, 7, block + 2], dtype=np.int64)
    taken = np.concatenate([targets, np.arange(10, block, dtype=np.int64)])  # leaves 0..9 free
    sources = defects.copy_sources(rng, targets, taken, rows=2 * block)
    assert len(set(sources.tolist())) == 3
    assert not np.isin(sources, taken).any()
    assert (sources[:2] < 10).all()
    assert block <= sources[2] < 2 * block


def test_inject_defects_leaves_its_input_alone_and_copies_rows() -> None:
    plan = defects.plan_defects(ROWS, SEED)
    target, source = int(plan.copy_target[0]), int(plan.copy_source[0])
    low, high = streams.block_window(target, target + 1)
    clean = customers.clean_rows(SEED, low, high)
    clean["USERID"] = ids.customer_ids(np.arange(low, high), ROWS, SEED)
    before = {name: values.copy() for name, values in clean.items()}
    cols, texts = defects.inject_defects(clean, plan, low)
    for name, values in before.items():
        np.testing.assert_array_equal(clean[name], values)
    assert set(texts) == {"age", "balance"}

    def row(columns: schema.Columns, at: int) -> np.ndarray:
        return np.array([columns[name][at - low] for name in schema.HEADER], dtype=float)

    np.testing.assert_array_equal(row(cols, target), row(cols, source))  # NaN equals NaN here
    assert not np.array_equal(row(cols, target), row(clean, target), equal_nan=True)
    # Rows that cut the copy from its source are refused rather than copied wrongly.
    cut = slice(target - low, None) if source < target else slice(None, target - low + 1)
    part = {name: values[cut] for name, values in clean.items()}
    with pytest.raises(ValueError, match="whole generation blocks"):
        defects.inject_defects(part, plan, low + (cut.start or 0))


# --- Ids ------------------------------------------------------------------------------------


def test_ids_stay_in_the_real_range(raw: pd.DataFrame) -> None:
    userid = raw["USERID"].astype(int)
    assert userid.between(94_561, 229_145).all()
    expected_unique = ROWS - EXPECTED["duplicate_id_pair"] - EXPECTED["exact_duplicate_row"]
    assert userid.nunique() == expected_unique


def test_id_permutation_is_a_bijection_beyond_the_real_range() -> None:
    span = 1_000_003  # odd size: cycle walking must land every index inside it
    permuted = ids.permute_ids(np.arange(span, dtype=np.int64), span, seed=7)
    assert np.array_equal(np.sort(permuted), np.arange(span))
    assert ids.id_span(ROWS) == ids.REAL_ID_SPAN
    assert ids.id_span(10_000_000) == 130_000_000


def test_feistel_permutes_its_power_of_four_range() -> None:
    values = np.arange(4**5, dtype=np.uint64)
    permuted = ids.feistel(values, 5, [1, 2, 3])
    assert np.array_equal(np.sort(permuted), values)
    assert not np.array_equal(permuted, values)


# --- Random streams and draws ---------------------------------------------------------------


def test_streams_are_reproducible_and_independent() -> None:
    assert streams.stream(1, 0, 5).random() == streams.stream(1, 0, 5).random()
    assert streams.stream(1, 0, 5).random() != streams.stream(1, 0, 6).random()
    assert streams.block_window(0, 1) == (0, streams.BLOCK_ROWS)
    assert streams.block_window(4_999, 5_001) == (0, 10_000)
    assert streams.block_window(5_000, 10_000) == (5_000, 10_000)


def test_categorical_follows_row_probabilities() -> None:
    rng = np.random.default_rng(2)
    probs = np.tile([0.2, 0.0, 0.8], (100_000, 1))
    drawn = customers.categorical(rng, probs * 1.0001)  # rows need not sum to one exactly
    assert set(drawn.tolist()) == {0, 2}
    assert (drawn == 2).mean() == pytest.approx(0.8, abs=0.01)


def test_quantile_and_latent_maps() -> None:
    table = np.linspace(0.0, 28.0, 29)
    assert customers.from_quantiles(np.array([0.0, 0.5, 1.0]), table).tolist() == [0, 14, 28]
    # A standard normal latent read at QUANTILE_PROBS lands on the table's median and ends.
    latent = np.array([-np.inf, 0.0, np.inf])
    mapped = customers.from_latent(latent, calibration.QUANTILE_PROBS, table)
    assert mapped.tolist() == [0.0, 14.0, 28.0]
    lin, sq = customers.age_terms(np.array([42.0, 52.0]))
    assert lin.tolist() == [0.0, 1.0]
    assert sq.tolist() == [0.0, 1.0]


def test_clean_rows_are_independent_of_the_range_asked_for() -> None:
    whole = customers.clean_rows(SEED, 0, 12_000)
    part = customers.clean_rows(SEED, 4_990, 5_010)
    for name, values in part.items():
        np.testing.assert_array_equal(values, whole[name][4_990:5_010])


def test_money_follows_balance_presence_and_churn_is_defined() -> None:
    rng = np.random.default_rng(3)
    profile = customers.draw_profile(rng, 20_000)
    money = customers.draw_money(rng, profile)
    assert np.array_equal(np.isnan(money["balance"]), profile.balance_missing)
    assert (money["EST_SALARY"] > 0).all()
    assert set(np.unique(profile.products).tolist()) <= {1, 2, 3, 4, 5}
    clean = customers.clean_rows(SEED, 0, 20_000)
    log_odds = customers.churn_log_odds(clean)
    assert np.isfinite(log_odds).all()
    missing = np.isnan(clean["balance"])
    assert log_odds[missing].mean() < log_odds[~missing].mean() - 3


# --- Calibration ----------------------------------------------------------------------------


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
    clients: pd.DataFrame, products: int, target: float, tolerance: float
) -> None:
    rate = clients["churn"][clients["products"] == products].mean()
    assert rate == pytest.approx(target, abs=tolerance)


def test_churn_by_gender_equity_and_balance_presence(clients: pd.DataFrame) -> None:
    churn = clients["churn"]
    assert churn.mean() == pytest.approx(0.182, abs=0.015)
    assert churn[clients["gender"] == FEMALE].mean() == pytest.approx(0.127, abs=0.025)
    assert churn[clients["gender"] == MALE].mean() == pytest.approx(0.236, abs=0.025)
    missing = clients["balance"].isna()
    assert churn[missing].mean() < 0.02
    assert churn[~missing].mean() == pytest.approx(0.235, abs=0.025)
    equity = clients["equity"]
    assert churn[equity == 0].mean() == pytest.approx(0.035, abs=0.02)
    assert churn[equity == 5].mean() == pytest.approx(0.30, abs=0.04)
    assert churn[equity >= 7].mean() > 0.35
    active = clients["last_activity"] == 1
    assert churn[active].mean() > churn[~active].mean() + 0.08
    card = clients["credit_card"] == 1
    assert churn[card].mean() < churn[~card].mean() - 0.05


def test_churners_hold_more_money_but_not_more_salary(clients: pd.DataFrame) -> None:
    churned = clients["churn"] == 1
    balance = clients["balance"]
    assert balance[churned].median() > 1.4 * balance[~churned].median()
    salary = clients["EST_SALARY"]
    assert salary[churned].mean() == pytest.approx(salary[~churned].mean(), rel=0.06)


def test_missing_balance_sits_with_propertyless_one_product_customers(
    clients: pd.DataFrame,
) -> None:
    missing = clients["balance"].isna()
    at_zero = (clients["equity"][missing] == 0).mean()
    assert at_zero == pytest.approx(0.95, abs=0.03)
    # The one balance written as text is NaN in the typed frame, wherever its equity is.
    elsewhere = ~clients["equity"][missing].isin([0, 1])
    assert elsewhere.sum() <= EXPECTED["balance_not_a_number"]
    assert (clients["products"][missing] == 1).mean() > 0.8
    for column in ("credit_card", "EST_SALARY", "score"):
        assert clients[column][missing].median() >= clients[column][~missing].median()


def test_small_files_have_no_defects(tmp_path: Path) -> None:
    path = write(tmp_path / "tiny.csv", rows=40, seed=3)
    tiny = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert len(tiny) == 40
    assert tiny["USERID"].is_unique
    assert set(tiny["city"]) <= {"Ярославль", "Рыбинск", "Ростов"}
