"""Clean customers (no ids, no defects), drawn from the calibration constants block by block.

Each step conditions on the ones before it, because that is how the real columns depend on each
other:

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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr

from scripts.synthetic import calibration as cal
from scripts.synthetic.schema import FEMALE, MALE, BoolArray, Columns, FloatArray, IntArray
from scripts.synthetic.streams import BLOCK_ROWS, BLOCK_STREAM, stream

# Equity 7 and above are rare, so they share one coefficient in every equity-indexed table.
TOP_EQUITY_GROUP = 7


@dataclass(frozen=True)
class Profile:
    """The categorical features of some customers, which every later draw conditions on."""

    gender: IntArray
    city: IntArray
    equity: IntArray
    balance_missing: BoolArray
    products: IntArray
    age: FloatArray

    @property
    def equity_group(self) -> IntArray:
        """Index into the equity-indexed coefficient tables (0..6, then 7 for 7+)."""
        return np.minimum(self.equity, TOP_EQUITY_GROUP)

    @property
    def male(self) -> FloatArray:
        """1.0 for men, 0.0 for women: the regressor of the latent models."""
        male: FloatArray = (self.gender == MALE).astype(np.float64)
        return male


def categorical(rng: np.random.Generator, probs: FloatArray) -> IntArray:
    """One draw per row from row-wise probabilities.

    Rows need not sum to exactly one: the calibration tables are rounded to four decimals.
    """
    cum = np.cumsum(probs, axis=1)
    u = rng.random(len(probs)) * cum[:, -1]
    drawn: IntArray = (u[:, None] >= cum).sum(axis=1).astype(np.int64)
    return drawn


def from_quantiles(u: FloatArray, table: Sequence[float]) -> FloatArray:
    """Inverse CDF given as a quantile table read at ``QUANTILE_PROBS`` (linear in between)."""
    values: FloatArray = np.interp(u, cal.QUANTILE_PROBS, table)
    return values


def from_latent(latent: FloatArray, knots: Sequence[float], table: Sequence[float]) -> FloatArray:
    """Map a latent normal onto a quantile table: the copula step.

    ``knots`` are the latent's own cumulative probabilities at ``QUANTILE_PROBS`` (see the
    calibration module), so that a latent which is only roughly normal still yields the table.
    """
    probability: FloatArray = ndtr(latent)
    values: FloatArray = np.interp(probability, knots, table)
    return values


def age_terms(age: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Linear and quadratic age regressors, centred at 42 in decades: money peaks in mid-life."""
    centred = (age - 42.0) / 10.0
    return centred, centred**2


def draw_profile(rng: np.random.Generator, n: int) -> Profile:
    """Gender, city, equity, balance presence, products and age of ``n`` customers."""
    gender = (rng.random(n) < cal.P_MALE).astype(np.int64)
    city = categorical(rng, np.broadcast_to(cal.CITY_SHARES, (n, len(cal.CITY_SHARES))))
    equity = categorical(rng, np.asarray(cal.EQUITY_BY_CITY)[city])
    missing = rng.random(n) < np.asarray(cal.P_BALANCE_MISSING_BY_EQUITY)[equity]
    product_probs = np.where(
        missing[:, None],
        np.asarray(cal.PRODUCTS_IF_BALANCE_MISSING)[None, :],
        np.asarray(cal.PRODUCTS_BY_EQUITY)[np.minimum(equity, TOP_EQUITY_GROUP)],
    )
    products = categorical(rng, product_probs) + 1
    age_u = rng.random(n)
    ages = np.asarray(cal.AGE_QUANTILES)
    age = np.where(
        gender == MALE, from_quantiles(age_u, ages[MALE]), from_quantiles(age_u, ages[FEMALE])
    )
    return Profile(gender, city, equity, missing, products, np.floor(age + 0.5))


def score_latent(profile: Profile, noise: FloatArray) -> FloatArray:
    """Latent of the score; customers without a balance draw theirs independently of features."""
    with_balance = (
        cal.SCORE_LATENT_CONST
        + np.asarray(cal.SCORE_LATENT_EQUITY)[profile.equity_group]
        + np.asarray(cal.SCORE_LATENT_PRODUCTS)[profile.products - 1]
        + cal.SCORE_LATENT_NOISE * noise
    )
    latent: FloatArray = np.where(profile.balance_missing, noise, with_balance)
    return latent


def salary_latent(profile: Profile, score: FloatArray, noise: FloatArray) -> FloatArray:
    """Latent of the salary given age, score latent and gender (and equity with a balance)."""
    missing = profile.balance_missing

    def pick(without_balance: float, with_balance: float) -> FloatArray:
        chosen: FloatArray = np.where(missing, without_balance, with_balance)
        return chosen

    age_lin, age_sq = age_terms(profile.age)
    equity = np.where(missing, 0.0, np.asarray(cal.SALARY_LATENT_EQUITY)[profile.equity_group])
    latent: FloatArray = (
        pick(cal.SALARY_NB_LATENT_CONST, cal.SALARY_LATENT_CONST)
        + pick(cal.SALARY_NB_LATENT_AGE[0], cal.SALARY_LATENT_AGE[0]) * age_lin
        + pick(cal.SALARY_NB_LATENT_AGE[1], cal.SALARY_LATENT_AGE[1]) * age_sq
        + pick(cal.SALARY_NB_LATENT_SCORE, cal.SALARY_LATENT_SCORE) * score
        + pick(cal.SALARY_NB_LATENT_MALE, cal.SALARY_LATENT_MALE) * profile.male
        + equity
        + pick(cal.SALARY_NB_LATENT_NOISE, cal.SALARY_LATENT_NOISE) * noise
    )
    return latent


def balance_latent(
    profile: Profile, score: FloatArray, salary: FloatArray, noise: FloatArray
) -> FloatArray:
    """Latent of the balance given the features and the score and salary latents."""
    age_lin, age_sq = age_terms(profile.age)
    latent: FloatArray = (
        cal.BALANCE_LATENT_CONST
        + np.asarray(cal.BALANCE_LATENT_EQUITY)[profile.equity_group]
        + np.asarray(cal.BALANCE_LATENT_PRODUCTS)[profile.products - 1]
        + cal.BALANCE_LATENT_AGE[0] * age_lin
        + cal.BALANCE_LATENT_AGE[1] * age_sq
        + cal.BALANCE_LATENT_SCORE * score
        + cal.BALANCE_LATENT_SALARY * salary
        + cal.BALANCE_LATENT_MALE * profile.male
        + cal.BALANCE_LATENT_NOISE * noise
    )
    return latent


def draw_money(rng: np.random.Generator, profile: Profile) -> Columns:
    """Score, salary and balance (NaN where missing), correlated through their latents."""
    noise = rng.standard_normal((3, len(profile.age)))
    missing = profile.balance_missing
    score_z = score_latent(profile, noise[0])
    salary_z = salary_latent(profile, score_z, noise[1])
    balance_z = balance_latent(profile, score_z, salary_z, noise[2])
    score = np.where(
        missing,
        from_latent(score_z, cal.QUANTILE_PROBS, cal.SCORE_QUANTILES_NO_BALANCE),
        from_latent(score_z, cal.QUANTILE_PROBS, cal.SCORE_QUANTILES),
    )
    log_salary = np.where(
        missing,
        from_latent(salary_z, cal.SALARY_KNOTS_NO_BALANCE, cal.LOG_SALARY_QUANTILES_NO_BALANCE),
        from_latent(salary_z, cal.SALARY_KNOTS, cal.LOG_SALARY_QUANTILES),
    )
    log_balance = from_latent(balance_z, cal.BALANCE_KNOTS, cal.LOG_BALANCE_QUANTILES)
    return {
        "score": np.round(score),
        "balance": np.where(missing, np.nan, np.round(np.exp(log_balance), 2)),
        "EST_SALARY": np.round(np.exp(log_salary), 2),
    }


def draw_habits(rng: np.random.Generator, profile: Profile) -> Columns:
    """Credit card and last activity, 0 or 1, given products, balance presence and gender."""
    n = len(profile.products)
    product = profile.products - 1
    card_rate = np.asarray(cal.CREDIT_CARD_RATE)[
        profile.balance_missing.astype(np.int64), product, profile.gender
    ]
    return {
        "credit_card": (rng.random(n) < card_rate).astype(np.int64),
        "last_activity": (rng.random(n) < np.asarray(cal.ACTIVITY_RATE)[product]).astype(np.int64),
    }


def churn_log_odds(cols: Columns) -> FloatArray:
    """Churn log-odds of clean customers (products 1..5, codes as in ``clean_block``)."""
    balance = cols["balance"].astype(np.float64)
    missing = np.isnan(balance)
    log_balance = np.where(missing, 0.0, np.log(balance) - 13.0)
    log_salary = np.log(cols["EST_SALARY"].astype(np.float64)) - 11.6
    age_bin = np.searchsorted(cal.CHURN_AGE_EDGES, cols["age"].astype(np.float64))
    score_bin = np.searchsorted(cal.CHURN_SCORE_EDGES, cols["score"].astype(np.float64))
    equity = np.minimum(cols["equity"].astype(np.int64), TOP_EQUITY_GROUP)
    log_odds: FloatArray = (
        cal.CHURN_INTERCEPT
        + np.asarray(cal.CHURN_BY_PRODUCTS)[cols["products"].astype(np.int64) - 1]
        + cal.CHURN_MALE * (cols["gender"] == MALE)
        + np.asarray(cal.CHURN_BY_EQUITY)[equity]
        + cal.CHURN_ACTIVE * cols["last_activity"].astype(np.float64)
        + cal.CHURN_CREDIT_CARD * cols["credit_card"].astype(np.float64)
        + cal.CHURN_BALANCE_MISSING * missing
        + cal.CHURN_LOG_BALANCE[0] * log_balance
        + cal.CHURN_LOG_BALANCE[1] * np.clip(log_balance, -3.0, 3.0) ** 2 * ~missing
        + cal.CHURN_LOG_SALARY[0] * log_salary
        + cal.CHURN_LOG_SALARY[1] * log_salary**2
        + np.asarray(cal.CHURN_BY_AGE)[age_bin]
        + np.asarray(cal.CHURN_BY_SCORE)[score_bin]
        + np.asarray(cal.CHURN_BY_CITY)[cols["city"]]
    )
    return log_odds


def clean_block(seed: int, block: int) -> Columns:
    """BLOCK_ROWS clean customers from the block's own random stream.

    The draws always come in the same order, so a block depends only on (seed, block).
    """
    rng = stream(seed, BLOCK_STREAM, block)
    profile = draw_profile(rng, BLOCK_ROWS)
    cols: Columns = {
        "city": profile.city,
        "gender": profile.gender,
        "age": profile.age,
        "equity": profile.equity,
        "products": profile.products,
        **draw_money(rng, profile),
        **draw_habits(rng, profile),
    }
    probability = 1.0 / (1.0 + np.exp(-churn_log_odds(cols)))
    cols["churn"] = (rng.random(BLOCK_ROWS) < probability).astype(np.int64)
    return cols


def clean_rows(seed: int, start: int, stop: int) -> Columns:
    """Clean customers for rows [start, stop); a row's values depend only on (seed, row)."""
    first, last = start // BLOCK_ROWS, (stop - 1) // BLOCK_ROWS
    blocks = [clean_block(seed, block) for block in range(first, last + 1)]
    offset = first * BLOCK_ROWS
    return {
        name: np.concatenate([block[name] for block in blocks])[start - offset : stop - offset]
        for name in blocks[0]
    }
