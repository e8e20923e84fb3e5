"""Deterministic synthetic generator for the bank's customer file (``bank_scrooge.csv`` shape).

The project must not ship the bank's real snapshot, yet its models and tests need a file with the
same columns, the same way of writing values, the same statistical shape and the same defects.
This module draws such a file from parametric distributions only. Every figure below that comes
from the real file is a calibration constant (a rate, a quantile or a fitted coefficient), never a
row.

How a customer is drawn (each step conditions on the ones before it):

1. gender, city; equity given city; "balance missing" given equity (almost only equity 0 or 1);
   products given equity and balance presence; age given gender.
2. score, salary and balance through a Gaussian copula: latent normals whose means depend on the
   features above (fitted by least squares on normal scores of the real columns), mapped to the
   real marginal quantile tables. This keeps the bimodal score of missing-balance customers, the
   balance tail up to ~100M and the salary tail up to ~1.4M.
3. credit card given products, balance presence and gender; last activity given products.
4. churn from a logistic model: coefficients fitted on the real file, then the categorical terms
   adjusted so that churn rates by products, gender, equity, age, score, city, activity, card and
   balance presence match the real ones on a large synthetic sample.

Defects are then injected at the real file's rate per 10,000 rows; see ``DEFECTS``.

Determinism and streaming: clean customers are drawn in fixed blocks of ``BLOCK_ROWS`` rows, each
from its own seed stream, so any chunk of rows can be produced on its own and chunked output is
byte-identical to one-shot output. Ids are a keyed pseudo-random permutation of the id range, so
they are unique at any scale without remembering the ids already used.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import numpy.typing as npt
import pandas as pd

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Columns = dict[str, npt.NDArray[np.generic]]

HEADER: tuple[str, ...] = (
    "USERID",
    "score",
    "city",
    "gender",
    "age",
    "equity",
    "balance",
    "products",
    "credit_card",
    "last_activity",
    "EST_SALARY",
    "churn",
)

DEFAULT_SEED = 20261128
DEFAULT_ROWS = 10_000
DEFAULT_CHUNK_ROWS = 200_000
# Unit of random generation. Output never depends on the chunk size because every block is drawn
# from its own stream; it is small so that odd chunk sizes waste little work.
BLOCK_ROWS = 5_000
# Below this many rows the planted defects would dominate the file, so none are planted.
MIN_ROWS_FOR_DEFECTS = 100

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = REPO_ROOT / "data" / "sample" / "bank_customers_sample.csv"

# Codes 0..2 are the real cities; 3 and 4 only ever appear through planted defects.
CITY_LABELS: tuple[str, ...] = ("Ярославль", "Рыбинск", "Ростов", "ярославль ", "Москва")
YAROSLAVL, RYBINSK, ROSTOV, CITY_CASE_SPACE, CITY_UNKNOWN = range(5)
# Codes 0..1 are the real Cyrillic letters; 2 (Latin M) and 3 (lowercase ж) are planted defects.
# The two M's look alike, so they are spelled by name.
GENDER_LABELS: tuple[str, ...] = (
    "Ж",
    "\N{CYRILLIC CAPITAL LETTER EM}",
    "\N{LATIN CAPITAL LETTER M}",
    "ж",
)
FEMALE, MALE, GENDER_LATIN_M, GENDER_LOWER_F = range(4)

# Ids: the real file uses 94561..229145. Up to 10,352 rows ids stay in that range; beyond, the range
# grows to ID_SPAN_PER_ROW ids per row (about the real sparsity: 134,585 ids for 10,000 rows).
ID_MIN = 94_561
REAL_ID_SPAN = 229_145 - ID_MIN + 1
ID_SPAN_PER_ROW = 13

# ---------------------------------------------------------------------------------------------
# Calibration constants, all calibrated to the bank's snapshot (bank_scrooge.csv, 10,000 rows).
# ---------------------------------------------------------------------------------------------

P_MALE = 0.5005
# Real shares are 0.5888 / 0.2695 / 0.1417; these are set a little apart so that they come out
# after the duplicate-id pairs (1.46% of rows) are moved to Рыбинск and Ярославль half and half.
CITY_SHARES: tuple[float, ...] = (0.5901, 0.2661, 0.1438)

# Equity 0..9 by city: Ярославль has more equity-0 (and so missing-balance) customers.
EQUITY_BY_CITY: tuple[tuple[float, ...], ...] = (
    (0.2756, 0.0724, 0.1017, 0.1488, 0.1800, 0.1934, 0.0166, 0.0083, 0.0017, 0.0014),
    (0.2539, 0.0835, 0.1073, 0.1533, 0.1934, 0.1863, 0.0130, 0.0071, 0.0015, 0.0007),
    (0.2011, 0.0868, 0.1157, 0.1785, 0.1898, 0.1955, 0.0198, 0.0085, 0.0021, 0.0021),
)

# Missing balance is a property of customers without assets: 2,180 of 2,295 sit at equity 0.
P_BALANCE_MISSING_BY_EQUITY: tuple[float, ...] = (0.841, 0.1473, 0, 0, 0, 0, 0, 0, 0, 0)

# Products 1..5. Missing-balance customers are nearly all one-product.
PRODUCTS_IF_BALANCE_MISSING: tuple[float, ...] = (0.8500, 0.1373, 0.0127, 0.0, 0.0)
# Rows: equity 0..6 and 7+ (with a balance); columns: products 1..5.
PRODUCTS_BY_EQUITY: tuple[tuple[float, ...], ...] = (
    (0.2985, 0.5971, 0.0752, 0.0292, 0.0000),
    (0.2379, 0.6348, 0.1045, 0.0198, 0.0030),
    (0.1825, 0.6740, 0.1112, 0.0304, 0.0019),
    (0.1868, 0.6368, 0.1291, 0.0454, 0.0019),
    (0.1627, 0.6162, 0.1486, 0.0698, 0.0027),
    (0.1481, 0.6142, 0.1460, 0.0881, 0.0036),
    (0.1677, 0.4969, 0.1553, 0.1801, 0.0000),
    (0.1727, 0.5182, 0.1273, 0.1818, 0.0000),
)

# P(credit card) by [balance missing][products 1..5][female, male]: men hold more cards.
CREDIT_CARD_RATE: tuple[tuple[tuple[float, float], ...], ...] = (
    ((0.921, 0.929), (0.547, 0.686), (0.299, 0.421), (0.606, 0.748), (0.95, 0.95)),
    ((0.794, 0.841), (0.822, 0.811), (0.560, 0.560), (0.80, 0.80), (0.80, 0.80)),
)
# P(active in the last period) by products 1..5.
ACTIVITY_RATE: tuple[float, ...] = (0.528, 0.516, 0.417, 0.789, 0.895)

# Marginal quantile tables, read at these cumulative probabilities.
QUANTILE_PROBS: tuple[float, ...] = (
    0, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5,
    0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.975, 0.99, 0.995, 0.999, 1,
)  # fmt: skip
# Age by gender: women are older (median 43 against 38) with a longer right tail.
AGE_QUANTILES: tuple[tuple[float, ...], ...] = (
    (18.0, 19.0, 21.9, 23.0, 25.0, 28.0, 30.0, 32.0, 33.0, 35.0, 36.0, 38.0, 39.0, 41.0, 43.0,
     45.0, 47.0, 50.0, 53.0, 56.0, 58.8, 61.0, 64.0, 68.0, 72.0, 75.0, 78.0, 83.0, 86.0),
    (18.0, 18.0, 20.0, 22.0, 24.0, 26.0, 28.0, 30.0, 31.0, 32.0, 34.0, 35.0, 36.0, 37.0, 38.0,
     40.0, 41.0, 43.0, 44.0, 47.0, 50.0, 53.0, 56.0, 60.0, 63.0, 67.1, 69.0, 72.0, 74.0),
)  # fmt: skip
# Score of customers with a balance, and of those without one (bimodal: a quarter below 750).
SCORE_QUANTILES: tuple[float, ...] = (
    689.0, 716.7, 732.0, 739.0, 750.0, 761.0, 774.0, 784.0, 793.0, 801.0, 809.0, 817.0, 825.0,
    833.0, 840.0, 849.0, 856.0, 864.0, 873.0, 882.0, 892.0, 903.0, 917.0, 940.0, 964.0, 982.0,
    989.0, 998.3, 1000.0,
)  # fmt: skip
SCORE_QUANTILES_NO_BALANCE: tuple[float, ...] = (
    642.0, 646.0, 649.0, 652.0, 661.0, 689.0, 708.0, 724.0, 742.0, 871.0, 884.0, 889.0, 894.0,
    898.0, 903.0, 906.0, 911.0, 914.0, 918.0, 922.0, 927.0, 934.0, 941.0, 952.0, 960.0, 970.1,
    977.1, 984.4, 990.0,
)  # fmt: skip
# Natural log of balance (heavy tail: median 524k, max 119M) and of salary.
LOG_BALANCE_QUANTILES: tuple[float, ...] = (
    0.0, 3.258, 8.67, 10.055, 10.97, 11.514, 11.978, 12.248, 12.453, 12.597, 12.729, 12.835,
    12.947, 13.054, 13.17, 13.287, 13.4, 13.53, 13.657, 13.796, 13.934, 14.06, 14.194, 14.565,
    14.948, 15.39, 15.726, 16.73, 18.596,
)  # fmt: skip
LOG_SALARY_QUANTILES: tuple[float, ...] = (
    7.842, 9.008, 9.507, 9.692, 10.02, 10.29, 10.611, 10.822, 10.978, 11.121, 11.227, 11.325,
    11.415, 11.494, 11.573, 11.656, 11.732, 11.806, 11.873, 11.951, 12.03, 12.119, 12.245,
    12.435, 12.661, 13.224, 13.682, 13.942, 14.148,
)  # fmt: skip
LOG_SALARY_QUANTILES_NO_BALANCE: tuple[float, ...] = (
    9.917, 9.951, 10.319, 10.519, 10.858, 11.078, 11.318, 11.46, 11.597, 11.699, 11.792, 11.865,
    11.939, 12.003, 12.068, 12.117, 12.183, 12.247, 12.316, 12.389, 12.474, 12.616, 12.853,
    13.497, 13.728, 13.89, 13.945, 14.075, 14.103,
)  # fmt: skip

# Copula: least-squares fits on the normal scores of the real columns (customers with a balance
# unless said). Equity terms are indexed 0..6, 7+; product terms by products 1..5.
SCORE_LATENT_CONST = -0.597
SCORE_LATENT_EQUITY: tuple[float, ...] = (0.0, 0.117, 0.178, 0.378, 0.672, 0.914, 0.839, 1.009)
SCORE_LATENT_PRODUCTS: tuple[float, ...] = (0.0, 0.073, -0.099, 0.541, 0.301)
SCORE_LATENT_NOISE = 0.936

SALARY_LATENT_CONST = 0.346
SALARY_LATENT_AGE = (0.173, -0.254)  # linear and quadratic in (age - 42) / 10: peaks mid-life
SALARY_LATENT_SCORE = 0.282
SALARY_LATENT_MALE = 0.134
SALARY_LATENT_EQUITY: tuple[float, ...] = (
    0.0, -0.067, -0.041, -0.045, -0.045, -0.022, -0.124, -0.296,
)  # fmt: skip
SALARY_LATENT_NOISE = 0.856
# Missing-balance customers: salary hardly depends on their score.
SALARY_NB_LATENT_CONST = 0.187
SALARY_NB_LATENT_AGE = (0.180, -0.192)
SALARY_NB_LATENT_SCORE = 0.124
SALARY_NB_LATENT_MALE = 0.152
SALARY_NB_LATENT_NOISE = 0.931

BALANCE_LATENT_CONST = -1.366
BALANCE_LATENT_EQUITY: tuple[float, ...] = (0.0, 0.415, 0.889, 1.266, 1.506, 1.693, 1.376, 1.374)
BALANCE_LATENT_PRODUCTS: tuple[float, ...] = (0.0, 0.142, 0.330, 0.395, -0.264)
BALANCE_LATENT_AGE = (0.229, -0.048)
BALANCE_LATENT_SCORE = 0.212
BALANCE_LATENT_SALARY = 0.261
BALANCE_LATENT_MALE = 0.041
BALANCE_LATENT_NOISE = 0.666

# A latent above is a normal plus a discrete shift, so it is only roughly standard normal: its
# upper tail in particular is too thin, which would lose the balance outliers. Each table is
# therefore read at the latent's own cumulative probabilities for QUANTILE_PROBS, measured once
# on 1,000,000 generated rows, so the output marginal follows the real quantiles.
# The score latent is normal enough to read at QUANTILE_PROBS directly.
SCORE_KNOTS: tuple[float, ...] = QUANTILE_PROBS
SALARY_KNOTS: tuple[float, ...] = (
    0, 0.00013362, 0.0022731, 0.0063131, 0.020904, 0.047077, 0.10038, 0.15414, 0.20711, 0.25913,
    0.31073, 0.36182, 0.41251, 0.4621, 0.51157, 0.56056, 0.60966, 0.65798, 0.70623, 0.75376,
    0.80115, 0.84885, 0.89694, 0.94634, 0.97178, 0.98781, 0.99347, 0.99849, 1,
)  # fmt: skip
SALARY_KNOTS_NO_BALANCE: tuple[float, ...] = (
    0, 0.00058774, 0.0037031, 0.0082315, 0.022933, 0.047673, 0.097955, 0.14894, 0.19997, 0.25106,
    0.30121, 0.35169, 0.40196, 0.45174, 0.50134, 0.55115, 0.60032, 0.64897, 0.69898, 0.74796,
    0.79742, 0.84715, 0.89692, 0.94681, 0.97304, 0.98868, 0.99401, 0.9988, 1,
)  # fmt: skip
BALANCE_KNOTS: tuple[float, ...] = (
    0, 0.00058354, 0.0031959, 0.0068323, 0.019613, 0.043181, 0.094697, 0.14878, 0.20305, 0.25757,
    0.31123, 0.36406, 0.41597, 0.46735, 0.51722, 0.5665, 0.61483, 0.66251, 0.7097, 0.75609,
    0.80206, 0.848, 0.89384, 0.94162, 0.9672, 0.98446, 0.99101, 0.99744, 1,
)  # fmt: skip

# Churn log-odds. Logistic regression on the real file (numpy IRLS); the categorical tables were
# then raked on 500,000 generated rows until churn by products, gender, equity, activity, card,
# balance presence, age band, score band and city matched the real rates, and the balance and
# salary slopes raised until churners' median balance (783k against 475k) and the equal salary
# means of churners and stayers came out as in the real file.
CHURN_INTERCEPT = -2.222
CHURN_BY_PRODUCTS: tuple[float, ...] = (0.0, -0.006, 0.477, 1.790, 1.249)
CHURN_MALE = 0.991
CHURN_BY_EQUITY: tuple[float, ...] = (0.0, -0.620, -0.721, -0.620, -0.669, -0.601, -0.223, 0.405)
CHURN_ACTIVE = 1.130
CHURN_CREDIT_CARD = -0.751
CHURN_BALANCE_MISSING = -4.728
# Terms in log(balance) - 13 (clipped at +-3 for the square) and log(salary) - 11.6.
CHURN_LOG_BALANCE = (0.45, 0.107)
CHURN_LOG_SALARY = (0.338, -0.148)
CHURN_AGE_EDGES: tuple[float, ...] = (25, 30, 35, 40, 45, 50, 55, 60, 65, 70)
# Two peaks, 25-35 and 50-60, as in the real file.
CHURN_BY_AGE: tuple[float, ...] = (
    0.614, 0.967, 0.510, 0.0, -0.406, -0.101, 0.863, 1.008, -0.625, -1.279, -1.758,
)  # fmt: skip
CHURN_SCORE_EDGES: tuple[float, ...] = (750, 800, 825, 850, 875, 900, 925, 950)
CHURN_BY_SCORE: tuple[float, ...] = (-0.379, -0.333, 0.0, 0.290, 0.696, 0.819, 0.787, 0.744, -1.045)
CHURN_BY_CITY: tuple[float, ...] = (0.0, -0.283, -0.135)


# ---------------------------------------------------------------------------------------------
# Defects
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Defect:
    """One kind of planted defect and how many rows carry it per 10,000 rows."""

    name: str
    per_10k: int
    description: str


# The defects planted in every file of at least MIN_ROWS_FOR_DEFECTS rows. Counts scale with the
# row count (see defect_counts); for the 10,000-row sample they are exactly per_10k. The first
# three copy the real file; the rest are malformed values the real file lacks, planted so that the
# validation layer has something to map or quarantine. Sets of rows are disjoint except that
# missing_age_in_pair rows are members of duplicate_id_pair.
DEFECTS: tuple[Defect, ...] = (
    Defect(
        "duplicate_id_pair",
        73,
        "pairs of different customers sharing one USERID, one row in Рыбинск and one in "
        "Ярославль (73 ids, 146 rows); (USERID, city) stays unique",
    ),
    Defect("missing_age_in_pair", 23, "empty age on a row of a duplicate-id pair"),
    Defect("missing_age", 3, "empty age on a row outside the pairs (26 empty ages in all)"),
    Defect(
        "products_zero",
        1,
        "products = 0 on a churned customer with empty balance, no card, inactive",
    ),
    Defect("age_not_a_number", 1, "age is the text 'n/a' (quarantine)"),
    Defect("balance_not_a_number", 1, "balance is the text 'abc' (quarantine)"),
    Defect("negative_balance", 1, "balance below zero (quarantine)"),
    Defect("age_out_of_range", 1, "age = 150.0 (quarantine)"),
    Defect("gender_latin", 1, "gender is the Latin letter 'M' (map to the Cyrillic male letter)"),
    Defect("gender_lowercase", 1, "gender is lowercase 'ж' (map to Ж)"),
    Defect("city_case_space", 1, "city is 'ярославль ' in lowercase with a trailing space (map)"),
    Defect("city_unknown", 1, "city is 'Москва', not a branch of the bank (quarantine)"),
    Defect(
        "exact_duplicate_row",
        1,
        "a row that repeats another row field for field (so its USERID appears twice in the "
        "same city)",
    ),
)

# Single-row defects applied by overwriting fields; each gets its own disjoint rows.
_FIELD_DEFECTS: tuple[str, ...] = (
    "missing_age",
    "products_zero",
    "age_not_a_number",
    "balance_not_a_number",
    "negative_balance",
    "age_out_of_range",
    "gender_latin",
    "gender_lowercase",
    "city_case_space",
    "city_unknown",
)
AGE_TEXT = "n/a"
BALANCE_TEXT = "abc"
RAW_AGE_TEXT = 1
RAW_BALANCE_TEXT = 2
AGE_OUT_OF_RANGE = 150.0


def defect_counts(rows: int) -> dict[str, int]:
    """Rows carrying each defect in a file of ``rows`` rows.

    The real rate per 10,000 rows, rounded half up, with at least one of each so that even a
    small file exercises every defect; none at all below MIN_ROWS_FOR_DEFECTS rows.
    ``duplicate_id_pair`` counts pairs (ids), not rows.
    """
    if rows < MIN_ROWS_FOR_DEFECTS:
        return {d.name: 0 for d in DEFECTS}
    return {d.name: max(1, (d.per_10k * rows + 5_000) // 10_000) for d in DEFECTS}


@dataclass(frozen=True)
class DefectPlan:
    """Which rows of a ``rows``-row file carry which defect (global row indices)."""

    rows: int
    pair_first: IntArray = field(default_factory=lambda: np.empty(0, np.int64))
    pair_second: IntArray = field(default_factory=lambda: np.empty(0, np.int64))
    pair_first_in_rybinsk: npt.NDArray[np.bool_] = field(
        default_factory=lambda: np.empty(0, np.bool_)
    )
    missing_age_in_pair: IntArray = field(default_factory=lambda: np.empty(0, np.int64))
    field_defects: dict[str, IntArray] = field(default_factory=dict)
    duplicate_source: IntArray = field(default_factory=lambda: np.empty(0, np.int64))
    duplicate_target: IntArray = field(default_factory=lambda: np.empty(0, np.int64))


def _rng(seed: int, *stream: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=stream)))


_BLOCK_STREAM = 0
_PLAN_STREAM = 1
_ID_STREAM = 2


def plan_defects(rows: int, seed: int) -> DefectPlan:
    """Choose the rows of every defect; depends only on (rows, seed)."""
    counts = defect_counts(rows)
    if rows < MIN_ROWS_FOR_DEFECTS:
        return DefectPlan(rows=rows)
    rng = _rng(seed, _PLAN_STREAM)
    pairs = counts["duplicate_id_pair"]
    n_field = sum(counts[name] for name in _FIELD_DEFECTS)
    n_dup = counts["exact_duplicate_row"]
    chosen = rng.choice(rows, size=2 * pairs + n_field + n_dup, replace=False).astype(np.int64)
    pair_rows = chosen[: 2 * pairs].reshape(pairs, 2)
    pair_rows.sort(axis=1)
    pos = 2 * pairs
    field_defects: dict[str, IntArray] = {}
    for name in _FIELD_DEFECTS:
        field_defects[name] = np.sort(chosen[pos : pos + counts[name]])
        pos += counts[name]
    targets = np.sort(chosen[pos:])
    # The copied row sits in the same generation block as its copy, so writing a chunk rarely
    # needs a block it does not already hold.
    taken = set(chosen.tolist())
    sources = np.empty_like(targets)
    for k, target in enumerate(targets.tolist()):
        lo = (target // BLOCK_ROWS) * BLOCK_ROWS
        hi = min(lo + BLOCK_ROWS, rows)
        while True:
            candidate = int(rng.integers(lo, hi))
            if candidate not in taken:
                break
        taken.add(candidate)
        sources[k] = candidate
    in_pair = rng.choice(pair_rows.ravel(), size=counts["missing_age_in_pair"], replace=False)
    return DefectPlan(
        rows=rows,
        pair_first=pair_rows[:, 0].copy(),
        pair_second=pair_rows[:, 1].copy(),
        pair_first_in_rybinsk=rng.random(pairs) < 0.5,
        missing_age_in_pair=np.sort(in_pair.astype(np.int64)),
        field_defects=field_defects,
        duplicate_source=sources,
        duplicate_target=targets,
    )


# ---------------------------------------------------------------------------------------------
# Ids
# ---------------------------------------------------------------------------------------------


def id_span(rows: int) -> int:
    """Number of ids to draw from, starting at ID_MIN."""
    return max(REAL_ID_SPAN, ID_SPAN_PER_ROW * rows)


_MULT_A = np.uint64(0x9E3779B97F4A7C15)
_MULT_B = np.uint64(0xBF58476D1CE4E5B9)
_FEISTEL_ROUNDS = 4


def _feistel(
    values: npt.NDArray[np.uint64], half_bits: int, keys: Sequence[int]
) -> npt.NDArray[np.uint64]:
    mask = np.uint64((1 << half_bits) - 1)
    shift = np.uint64(half_bits)
    left = values >> shift
    right = values & mask
    for key in keys:
        mixed = (right ^ np.uint64(key)) * _MULT_A
        mixed = (mixed ^ (mixed >> np.uint64(29))) * _MULT_B
        left, right = right, left ^ ((mixed >> np.uint64(32)) & mask)
    return (left << shift) | right


def permute_ids(index: IntArray, span: int, seed: int) -> IntArray:
    """Map row indices 0..span-1 one-to-one onto 0..span-1, pseudo-randomly.

    A keyed Feistel network is a bijection on [0, 4**h); cycle walking (re-applying it until the
    value lands below ``span``) restricts it to a bijection on [0, span). Each index is mapped on
    its own, so a chunk gets its ids without knowing the other chunks'.
    """
    half_bits = max(1, ((span - 1).bit_length() + 1) // 2)
    keys = [int(k) for k in _rng(seed, _ID_STREAM).integers(0, 2**62, _FEISTEL_ROUNDS)]
    out = _feistel(index.astype(np.uint64), half_bits, keys)
    outside = out >= np.uint64(span)
    while outside.any():
        out[outside] = _feistel(out[outside], half_bits, keys)
        outside = out >= np.uint64(span)
    return out.astype(np.int64)


# ---------------------------------------------------------------------------------------------
# Clean customers
# ---------------------------------------------------------------------------------------------


def normal_cdf(z: FloatArray) -> FloatArray:
    """Standard normal CDF (Abramowitz and Stegun 7.1.26, error below 1e-7), numpy only."""
    x = np.abs(z) / np.sqrt(2.0)
    t = 1.0 / (1.0 + 0.3275911 * x)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    upper = 0.5 * poly * np.exp(-x * x)
    cdf: FloatArray = np.where(z >= 0, 1.0 - upper, upper)
    return cdf


def _from_quantiles(u: FloatArray, table: Sequence[float]) -> FloatArray:
    return np.interp(u, QUANTILE_PROBS, table)


def _from_latent(latent: FloatArray, knots: Sequence[float], table: Sequence[float]) -> FloatArray:
    return np.interp(normal_cdf(latent), knots, table)


def _categorical(rng: np.random.Generator, probs: FloatArray) -> IntArray:
    """One draw per row from row-wise probabilities (rows need not be normalised exactly)."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random(len(probs)) * cum[:, -1]
    drawn: IntArray = (u[:, None] >= cum).sum(axis=1).astype(np.int64)
    return drawn


def _age_terms(age: FloatArray) -> tuple[FloatArray, FloatArray]:
    centred = (age - 42.0) / 10.0
    return centred, centred**2


def churn_log_odds(frame: Columns) -> FloatArray:
    """Churn log-odds of clean customers (columns as produced by ``clean_block``)."""
    products = frame["products"].astype(np.int64)
    equity = np.minimum(frame["equity"].astype(np.int64), 7)
    balance = frame["balance"].astype(np.float64)
    missing = np.isnan(balance)
    log_balance = np.where(missing, 0.0, np.log(np.maximum(np.nan_to_num(balance), 1.0)) - 13.0)
    clipped = np.clip(log_balance, -3.0, 3.0)
    log_salary = np.log(frame["EST_SALARY"].astype(np.float64)) - 11.6
    age_bin = np.searchsorted(CHURN_AGE_EDGES, frame["age"].astype(np.float64), side="left")
    score_bin = np.searchsorted(CHURN_SCORE_EDGES, frame["score"].astype(np.float64), side="left")
    active = frame["last_activity"].astype(np.float64)
    card = frame["credit_card"].astype(np.float64)
    log_odds: FloatArray = (
        CHURN_INTERCEPT
        + np.asarray(CHURN_BY_PRODUCTS)[np.clip(products, 1, 5) - 1]
        + CHURN_MALE * (frame["gender"] == MALE)
        + np.asarray(CHURN_BY_EQUITY)[equity]
        + CHURN_ACTIVE * active
        + CHURN_CREDIT_CARD * card
        + CHURN_BALANCE_MISSING * missing
        + CHURN_LOG_BALANCE[0] * log_balance
        + CHURN_LOG_BALANCE[1] * clipped**2 * ~missing
        + CHURN_LOG_SALARY[0] * log_salary
        + CHURN_LOG_SALARY[1] * log_salary**2
        + np.asarray(CHURN_BY_AGE)[age_bin]
        + np.asarray(CHURN_BY_SCORE)[score_bin]
        + np.asarray(CHURN_BY_CITY)[frame["city"]]
    )
    return log_odds


def clean_block(seed: int, block: int) -> Columns:
    """BLOCK_ROWS clean customers (no ids, no defects) from the block's own random stream.

    City and gender are codes into CITY_LABELS and GENDER_LABELS; a missing balance is NaN.
    """
    rng = _rng(seed, _BLOCK_STREAM, block)
    n = BLOCK_ROWS
    gender = (rng.random(n) < P_MALE).astype(np.int64)
    city = _categorical(rng, np.broadcast_to(np.asarray(CITY_SHARES), (n, len(CITY_SHARES))))
    equity = _categorical(rng, np.asarray(EQUITY_BY_CITY)[city])
    missing = rng.random(n) < np.asarray(P_BALANCE_MISSING_BY_EQUITY)[equity]
    equity_group = np.minimum(equity, 7)
    product_probs = np.where(
        missing[:, None],
        np.asarray(PRODUCTS_IF_BALANCE_MISSING)[None, :],
        np.asarray(PRODUCTS_BY_EQUITY)[equity_group],
    )
    products = _categorical(rng, product_probs) + 1
    age_table = np.asarray(AGE_QUANTILES)
    age_u = rng.random(n)
    age = np.floor(
        np.where(
            gender == MALE,
            _from_quantiles(age_u, age_table[MALE]),
            _from_quantiles(age_u, age_table[FEMALE]),
        )
        + 0.5
    )
    age_lin, age_sq = _age_terms(age)
    male = (gender == MALE).astype(np.float64)
    noise = rng.standard_normal((4, n))

    # Score: customers without a balance draw from their own (bimodal) table, independently.
    score_latent = np.where(
        missing,
        noise[0],
        SCORE_LATENT_CONST
        + np.asarray(SCORE_LATENT_EQUITY)[equity_group]
        + np.asarray(SCORE_LATENT_PRODUCTS)[products - 1]
        + SCORE_LATENT_NOISE * noise[0],
    )
    score = np.round(
        np.where(
            missing,
            _from_latent(score_latent, QUANTILE_PROBS, SCORE_QUANTILES_NO_BALANCE),
            _from_latent(score_latent, SCORE_KNOTS, SCORE_QUANTILES),
        )
    )

    salary_latent = np.where(
        missing,
        SALARY_NB_LATENT_CONST
        + SALARY_NB_LATENT_AGE[0] * age_lin
        + SALARY_NB_LATENT_AGE[1] * age_sq
        + SALARY_NB_LATENT_SCORE * score_latent
        + SALARY_NB_LATENT_MALE * male
        + SALARY_NB_LATENT_NOISE * noise[1],
        SALARY_LATENT_CONST
        + SALARY_LATENT_AGE[0] * age_lin
        + SALARY_LATENT_AGE[1] * age_sq
        + SALARY_LATENT_SCORE * score_latent
        + SALARY_LATENT_MALE * male
        + np.asarray(SALARY_LATENT_EQUITY)[equity_group]
        + SALARY_LATENT_NOISE * noise[1],
    )
    salary = np.round(
        np.exp(
            np.where(
                missing,
                _from_latent(
                    salary_latent, SALARY_KNOTS_NO_BALANCE, LOG_SALARY_QUANTILES_NO_BALANCE
                ),
                _from_latent(salary_latent, SALARY_KNOTS, LOG_SALARY_QUANTILES),
            )
        ),
        2,
    )

    balance_latent = (
        BALANCE_LATENT_CONST
        + np.asarray(BALANCE_LATENT_EQUITY)[equity_group]
        + np.asarray(BALANCE_LATENT_PRODUCTS)[products - 1]
        + BALANCE_LATENT_AGE[0] * age_lin
        + BALANCE_LATENT_AGE[1] * age_sq
        + BALANCE_LATENT_SCORE * score_latent
        + BALANCE_LATENT_SALARY * salary_latent
        + BALANCE_LATENT_MALE * male
        + BALANCE_LATENT_NOISE * noise[2]
    )
    balance_level = np.exp(_from_latent(balance_latent, BALANCE_KNOTS, LOG_BALANCE_QUANTILES))
    balance = np.where(missing, np.nan, np.round(balance_level, 2))

    card_rate = np.asarray(CREDIT_CARD_RATE)[missing.astype(np.int64), products - 1, gender]
    credit_card = (rng.random(n) < card_rate).astype(np.int64)
    last_activity = (rng.random(n) < np.asarray(ACTIVITY_RATE)[products - 1]).astype(np.int64)

    frame: Columns = {
        "score": score,
        "city": city,
        "gender": gender,
        "age": age,
        "equity": equity,
        "balance": balance,
        "products": products,
        "credit_card": credit_card,
        "last_activity": last_activity,
        "EST_SALARY": salary,
    }
    probability = 1.0 / (1.0 + np.exp(-churn_log_odds(frame)))
    frame["churn"] = (rng.random(n) < probability).astype(np.int64)
    return frame


def clean_rows(seed: int, start: int, stop: int) -> Columns:
    """Clean customers for global rows [start, stop); a row's values depend only on (seed, row)."""
    first, last = start // BLOCK_ROWS, (stop - 1) // BLOCK_ROWS
    blocks = [clean_block(seed, b) for b in range(first, last + 1)]
    offset = first * BLOCK_ROWS
    return {
        name: np.concatenate([blk[name] for blk in blocks])[start - offset : stop - offset]
        for name in blocks[0]
    }


# ---------------------------------------------------------------------------------------------
# Final rows: clean customers + ids + defects
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chunk:
    """Final rows [start, stop) in typed form plus the raw texts that replace some fields.

    ``columns`` holds USERID and the clean columns (city/gender as label codes) after all
    defects. A field whose raw value is text rather than a number is NaN there, and ``raw_text``
    says which: RAW_AGE_TEXT (age is AGE_TEXT) or RAW_BALANCE_TEXT (balance is BALANCE_TEXT).
    """

    start: int
    stop: int
    columns: Columns
    raw_text: npt.NDArray[np.int8]


def _local(indices: IntArray, start: int, stop: int) -> tuple[IntArray, npt.NDArray[np.bool_]]:
    inside = (indices >= start) & (indices < stop)
    return indices[inside] - start, inside


def build_chunk(
    rows: int, seed: int, start: int, stop: int, plan: DefectPlan | None = None
) -> Chunk:
    """Final rows [start, stop) of the ``rows``-row file for ``seed``."""
    if not 0 <= start < stop <= rows:
        raise ValueError(f"bad row range [{start}, {stop}) for {rows} rows")
    plan = plan if plan is not None else plan_defects(rows, seed)
    cols = clean_rows(seed, start, stop)
    span = id_span(rows)
    cols["USERID"] = ID_MIN + permute_ids(np.arange(start, stop, dtype=np.int64), span, seed)

    local, inside = _local(plan.pair_second, start, stop)
    cols["USERID"][local] = ID_MIN + permute_ids(plan.pair_first[inside], span, seed)
    cols["city"][local] = np.where(plan.pair_first_in_rybinsk[inside], YAROSLAVL, RYBINSK)
    local, inside = _local(plan.pair_first, start, stop)
    cols["city"][local] = np.where(plan.pair_first_in_rybinsk[inside], RYBINSK, YAROSLAVL)
    cols["age"][_local(plan.missing_age_in_pair, start, stop)[0]] = np.nan

    def rows_of(name: str) -> IntArray:
        return _local(plan.field_defects.get(name, np.empty(0, np.int64)), start, stop)[0]

    cols["age"][rows_of("missing_age")] = np.nan
    zero = rows_of("products_zero")
    cols["products"][zero] = 0
    cols["balance"][zero] = np.nan
    cols["credit_card"][zero] = 0
    cols["last_activity"][zero] = 0
    cols["churn"][zero] = 1
    raw_text = np.zeros(stop - start, dtype=np.int8)
    raw_text[rows_of("age_not_a_number")] = RAW_AGE_TEXT
    cols["age"][rows_of("age_not_a_number")] = np.nan
    raw_text[rows_of("balance_not_a_number")] = RAW_BALANCE_TEXT
    cols["balance"][rows_of("balance_not_a_number")] = np.nan
    negative = rows_of("negative_balance")
    # A customer without a balance gets a negative one the size of a salary: still plausible text.
    cols["balance"][negative] = -np.where(
        np.isnan(cols["balance"][negative]), cols["EST_SALARY"][negative], cols["balance"][negative]
    )
    cols["age"][rows_of("age_out_of_range")] = AGE_OUT_OF_RANGE
    cols["gender"][rows_of("gender_latin")] = GENDER_LATIN_M
    cols["gender"][rows_of("gender_lowercase")] = GENDER_LOWER_F
    cols["city"][rows_of("city_case_space")] = CITY_CASE_SPACE
    cols["city"][rows_of("city_unknown")] = CITY_UNKNOWN

    local, inside = _local(plan.duplicate_target, start, stop)
    for target, source in zip(local.tolist(), plan.duplicate_source[inside].tolist(), strict=True):
        if start <= source < stop:
            src_cols, src_at = cols, source - start
        else:
            # Source rows carry no other defect, so building them alone cannot recurse further.
            src_cols, src_at = build_chunk(rows, seed, source, source + 1, plan).columns, 0
        for name in cols:
            cols[name][target] = src_cols[name][src_at]
    return Chunk(start, stop, cols, raw_text)


def chunk_to_frame(chunk: Chunk) -> pd.DataFrame:
    """Typed DataFrame of a chunk (text-valued fields are NaN), columns in HEADER order."""
    cols = chunk.columns
    city = np.asarray(CITY_LABELS, dtype=object)[cols["city"]]
    gender = np.asarray(GENDER_LABELS, dtype=object)[cols["gender"]]
    data: dict[str, npt.NDArray[np.generic]] = {**cols, "city": city, "gender": gender}
    frame = pd.DataFrame({name: data[name] for name in HEADER})
    frame.index = pd.RangeIndex(chunk.start, chunk.stop)
    return frame


def iter_chunks(rows: int, seed: int, chunk_rows: int = DEFAULT_CHUNK_ROWS) -> Iterator[Chunk]:
    """Final rows of the whole file, ``chunk_rows`` at a time."""
    if rows < 1 or chunk_rows < 1:
        raise ValueError("rows and chunk_rows must be positive")
    plan = plan_defects(rows, seed)
    for start in range(0, rows, chunk_rows):
        yield build_chunk(rows, seed, start, min(start + chunk_rows, rows), plan)


def generate_frame(rows: int = DEFAULT_ROWS, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """The whole file as one typed DataFrame (for tests and small row counts)."""
    return pd.concat([chunk_to_frame(c) for c in iter_chunks(rows, seed)])


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------

_CITY_SQL = "[" + ", ".join(f"'{label}'" for label in CITY_LABELS) + "]"
_GENDER_SQL = "[" + ", ".join(f"'{label}'" for label in GENDER_LABELS) + "]"
# DuckDB renders a DOUBLE as the shortest text that reads back to it (850.0, 59214.82, 0.0),
# which is exactly how the real file writes its numbers; NaN from pandas arrives as NULL, which
# the CSV writer leaves empty. A plain projection keeps the rows in order.
_FORMAT_SQL = f"""
SELECT
    CAST(USERID AS VARCHAR) AS USERID,
    CAST(score AS VARCHAR) AS score,
    {_CITY_SQL}[city + 1] AS city,
    {_GENDER_SQL}[gender + 1] AS gender,
    CASE WHEN raw_text = {RAW_AGE_TEXT} THEN '{AGE_TEXT}' ELSE CAST(age AS VARCHAR) END AS age,
    CAST(equity AS VARCHAR) AS equity,
    CASE WHEN raw_text = {RAW_BALANCE_TEXT} THEN '{BALANCE_TEXT}'
         ELSE CAST(balance AS VARCHAR) END AS balance,
    CAST(products AS VARCHAR) AS products,
    CAST(credit_card AS VARCHAR) AS credit_card,
    CAST(last_activity AS VARCHAR) AS last_activity,
    CAST(EST_SALARY AS VARCHAR) AS EST_SALARY,
    CAST(churn AS VARCHAR) AS churn
FROM chunk
"""


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _write_csv(output: Path, rows: int, seed: int, chunk_rows: int, tmp: Path) -> None:
    plan = plan_defects(rows, seed)
    part = tmp / "part.csv"
    con = duckdb.connect()
    try:
        con.execute("SET preserve_insertion_order = true")
        with output.open("wb") as sink:
            sink.write((",".join(HEADER) + "\n").encode("utf-8"))
            for start in range(0, rows, chunk_rows):
                chunk = build_chunk(rows, seed, start, min(start + chunk_rows, rows), plan)
                staged = pd.DataFrame({**chunk.columns, "raw_text": chunk.raw_text})
                con.register("chunk", staged)
                con.execute(
                    f"COPY ({_FORMAT_SQL}) TO '{_sql_path(part)}' (FORMAT csv, HEADER false)"
                )
                con.unregister("chunk")
                with part.open("rb") as piece:
                    shutil.copyfileobj(piece, sink)
    finally:
        con.close()


def write_customers(
    output: Path,
    rows: int = DEFAULT_ROWS,
    seed: int = DEFAULT_SEED,
    fmt: str = "csv",
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
) -> None:
    """Write the file as UTF-8 CSV (the real file's format) or Parquet.

    Each chunk is formatted by DuckDB and appended to the CSV, so memory stays bounded by one
    chunk. Parquet is converted from that CSV and keeps every column as text (empty fields
    become NULL), so malformed values survive and both formats hold the same values.
    """
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"unknown format {fmt!r}")
    if rows < 1 or chunk_rows < 1:
        raise ValueError("rows and chunk_rows must be positive")
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="generate_customers_") as tmp_dir:
        tmp = Path(tmp_dir)
        if fmt == "csv":
            _write_csv(output, rows, seed, chunk_rows, tmp)
            return
        csv_path = tmp / "customers.csv"
        _write_csv(csv_path, rows, seed, chunk_rows, tmp)
        columns = ", ".join(f"'{name}': 'VARCHAR'" for name in HEADER)
        con = duckdb.connect()
        try:
            con.execute(f"SET temp_directory = '{_sql_path(tmp)}'")
            con.execute("SET preserve_insertion_order = true")
            con.execute(
                f"COPY (SELECT * FROM read_csv('{_sql_path(csv_path)}', header = true, "
                f"delim = ',', quote = '\"', columns = {{{columns}}})) "
                f"TO '{_sql_path(output)}' (FORMAT parquet)"
            )
        finally:
            con.close()


# ---------------------------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------------------------


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be a positive integer")
    return value


def _non_negative(text: str) -> int:
    # numpy seed sequences take only non-negative integers.
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be a non-negative integer")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Write a synthetic bank customer file shaped like bank_scrooge.csv.",
    )
    parser.add_argument("--rows", type=_positive, default=DEFAULT_ROWS, help="rows to write")
    parser.add_argument("--seed", type=_non_negative, default=DEFAULT_SEED, help="random seed")
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv", dest="fmt")
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help=f"output file (default {DEFAULT_OUTPUT.relative_to(REPO_ROOT)}, "
        "with a .parquet suffix for Parquet)",
    )
    parser.add_argument(
        "--chunk-rows",
        type=_positive,
        default=DEFAULT_CHUNK_ROWS,
        help="rows generated per chunk; bounds memory, never changes the output",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    output: Path = args.output or DEFAULT_OUTPUT.with_suffix(f".{args.fmt}")
    began = time.perf_counter()
    write_customers(
        output, rows=args.rows, seed=args.seed, fmt=args.fmt, chunk_rows=args.chunk_rows
    )
    seconds = time.perf_counter() - began
    print(f"wrote {args.rows:,} rows to {output} in {seconds:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
