"""The defects planted in the synthetic file: which they are, which rows get them, what they do.

The first three defects copy the real file; the rest are malformed values the real file lacks,
planted so that the validation layer has something to map or quarantine. Where they go is a
``DefectPlan`` that depends only on (rows, seed), so every chunk applies its share of it alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from scripts.synthetic.ids import customer_ids
from scripts.synthetic.schema import (
    CITY_CASE_SPACE,
    CITY_UNKNOWN,
    GENDER_LATIN_M,
    GENDER_LOWER_F,
    RYBINSK,
    YAROSLAVL,
    BoolArray,
    Columns,
    IntArray,
)
from scripts.synthetic.streams import BLOCK_ROWS, PLAN_STREAM, stream

# Below this many rows the planted defects would dominate the file, so none are planted.
MIN_ROWS_FOR_DEFECTS = 100
AGE_TEXT = "n/a"
BALANCE_TEXT = "abc"
AGE_OUT_OF_RANGE = 150.0

PAIR = "duplicate_id_pair"
PAIR_AGE = "missing_age_in_pair"
NEGATIVE_BALANCE = "negative_balance"
EXACT_DUPLICATE = "exact_duplicate_row"


@dataclass(frozen=True)
class Defect:
    """One kind of planted defect and how many rows carry it per 10,000 rows.

    ``edits`` are the (column, value) overwrites of a row carrying it; ``text`` names a column
    whose field is written as that text instead of a number (the typed value is then NaN).
    """

    name: str
    per_10k: int
    description: str
    edits: tuple[tuple[str, float], ...] = ()
    text: tuple[str, str] | None = None


# Counts scale with the row count (see defect_counts); for the 10,000-row sample they are exactly
# per_10k. Sets of rows are disjoint except that missing_age_in_pair rows are members of pairs.
DEFECTS: tuple[Defect, ...] = (
    Defect(
        PAIR,
        73,
        "pairs of different customers sharing one USERID, one row in Рыбинск and one in "
        "Ярославль (73 ids, 146 rows); (USERID, city) stays unique",
    ),
    Defect(PAIR_AGE, 23, "empty age on a row of a duplicate-id pair", edits=(("age", math.nan),)),
    Defect(
        "missing_age",
        3,
        "empty age on a row outside the pairs (26 empty ages in all)",
        edits=(("age", math.nan),),
    ),
    Defect(
        "products_zero",
        1,
        "products = 0 on a churned customer with empty balance, no card, inactive",
        edits=(
            ("products", 0),
            ("balance", math.nan),
            ("credit_card", 0),
            ("last_activity", 0),
            ("churn", 1),
        ),
    ),
    Defect(
        "age_not_a_number",
        1,
        f"age is the text '{AGE_TEXT}' (quarantine)",
        edits=(("age", math.nan),),
        text=("age", AGE_TEXT),
    ),
    Defect(
        "balance_not_a_number",
        1,
        f"balance is the text '{BALANCE_TEXT}' (quarantine)",
        edits=(("balance", math.nan),),
        text=("balance", BALANCE_TEXT),
    ),
    Defect(NEGATIVE_BALANCE, 1, "balance below zero (quarantine)"),
    Defect(
        "age_out_of_range",
        1,
        f"age = {AGE_OUT_OF_RANGE} (quarantine)",
        edits=(("age", AGE_OUT_OF_RANGE),),
    ),
    Defect(
        "gender_latin",
        1,
        "gender is the Latin letter 'M' (map to the Cyrillic male letter)",
        edits=(("gender", GENDER_LATIN_M),),
    ),
    Defect(
        "gender_lowercase",
        1,
        "gender is lowercase 'ж' (map to Ж)",
        edits=(("gender", GENDER_LOWER_F),),
    ),
    Defect(
        "city_case_space",
        1,
        "city is 'ярославль ' in lowercase with a trailing space (map)",
        edits=(("city", CITY_CASE_SPACE),),
    ),
    Defect(
        "city_unknown",
        1,
        "city is 'Москва', not a branch of the bank (quarantine)",
        edits=(("city", CITY_UNKNOWN),),
    ),
    Defect(
        EXACT_DUPLICATE,
        1,
        "a row that repeats another row field for field (so its USERID appears twice in the "
        "same city)",
    ),
)
# Defects that take rows of their own, one defect a row.
SINGLE_ROW_DEFECTS: tuple[str, ...] = tuple(
    d.name for d in DEFECTS if d.name not in (PAIR, PAIR_AGE, EXACT_DUPLICATE)
)


def _no_rows() -> IntArray:
    """No rows: the plan of a file too small for defects, and of a defect a chunk lacks."""
    return np.empty(0, np.int64)


@dataclass(frozen=True)
class DefectPlan:
    """Which rows of a file carry which defect (global row indices; empty for a small file).

    Pair k is rows ``pair_first[k]`` (in ``pair_first_city``) and ``pair_second[k]`` (in the other
    of Рыбинск and Ярославль), sharing the id ``pair_userid[k]``. Row ``copy_target[k]`` repeats
    row ``copy_source[k]``, which lies in the same generation block and carries no defect.
    """

    pair_first: IntArray = field(default_factory=_no_rows)
    pair_second: IntArray = field(default_factory=_no_rows)
    pair_first_city: IntArray = field(default_factory=_no_rows)
    pair_userid: IntArray = field(default_factory=_no_rows)
    rows_of: dict[str, IntArray] = field(default_factory=dict)
    copy_source: IntArray = field(default_factory=_no_rows)
    copy_target: IntArray = field(default_factory=_no_rows)


def defect_counts(rows: int) -> dict[str, int]:
    """Rows carrying each defect in a file of ``rows`` rows.

    The real rate per 10,000 rows, rounded half up, with at least one of each so that even a
    small file exercises every defect; none at all below MIN_ROWS_FOR_DEFECTS rows.
    ``duplicate_id_pair`` counts pairs (ids), not rows.
    """
    if rows < MIN_ROWS_FOR_DEFECTS:
        return {d.name: 0 for d in DEFECTS}
    return {d.name: max(1, (d.per_10k * rows + 5_000) // 10_000) for d in DEFECTS}


def copy_sources(
    rng: np.random.Generator, targets: IntArray, taken: IntArray, rows: int
) -> IntArray:
    """A distinct untaken row in the block of each target, for the target to repeat.

    Keeping the copied row in its copy's block means a chunk of whole blocks always holds both.
    """
    busy = np.sort(taken)
    sources = np.empty_like(targets)
    for k, target in enumerate(targets.tolist()):
        low = target // BLOCK_ROWS * BLOCK_ROWS
        high = min(low + BLOCK_ROWS, rows)
        in_block = busy[np.searchsorted(busy, low) : np.searchsorted(busy, high)]
        free = np.setdiff1d(np.arange(low, high), in_block, assume_unique=True)
        sources[k] = rng.choice(free)
        busy = np.insert(busy, np.searchsorted(busy, sources[k]), sources[k])
    return sources


def split_rows(
    rows: IntArray, counts: dict[str, int], names: tuple[str, ...]
) -> dict[str, IntArray]:
    """Cut ``rows`` into consecutive runs of ``counts[name]`` rows, one per name, each sorted."""
    ends = np.cumsum([counts[name] for name in names])
    return {
        name: np.sort(part) for name, part in zip(names, np.split(rows, ends[:-1]), strict=True)
    }


def plan_defects(rows: int, seed: int) -> DefectPlan:
    """Choose the rows of every defect; depends only on (rows, seed)."""
    if rows < MIN_ROWS_FOR_DEFECTS:
        return DefectPlan()
    counts = defect_counts(rows)
    rng = stream(seed, PLAN_STREAM)
    pairs, singles = counts[PAIR], sum(counts[name] for name in SINGLE_ROW_DEFECTS)
    size = 2 * pairs + singles + counts[EXACT_DUPLICATE]
    chosen = rng.choice(rows, size=size, replace=False).astype(np.int64)
    pair_rows = np.sort(chosen[: 2 * pairs].reshape(pairs, 2), axis=1)
    rows_of = split_rows(chosen[2 * pairs : 2 * pairs + singles], counts, SINGLE_ROW_DEFECTS)
    targets = np.sort(chosen[2 * pairs + singles :])
    sources = copy_sources(rng, targets, chosen, rows)
    in_pairs = rng.choice(pair_rows.ravel(), size=counts[PAIR_AGE], replace=False)
    rows_of[PAIR_AGE] = np.sort(in_pairs.astype(np.int64))
    first_in_rybinsk = rng.random(pairs) < 0.5
    first = pair_rows[:, 0].copy()
    return DefectPlan(
        pair_first=first,
        pair_second=pair_rows[:, 1].copy(),
        pair_first_city=np.where(first_in_rybinsk, RYBINSK, YAROSLAVL).astype(np.int64),
        pair_userid=customer_ids(first, rows, seed),
        rows_of=rows_of,
        copy_source=sources,
        copy_target=targets,
    )


def _local(indices: IntArray, offset: int, size: int) -> tuple[IntArray, BoolArray]:
    """Positions of the global rows ``indices`` inside rows [offset, offset + size)."""
    inside = (indices >= offset) & (indices < offset + size)
    return indices[inside] - offset, inside


def _share_pair_ids(cols: Columns, plan: DefectPlan, offset: int) -> None:
    """Give each pair's second row the first row's id, and the two rows the two cities."""
    size = len(cols["USERID"])
    first, inside = _local(plan.pair_first, offset, size)
    cols["city"][first] = plan.pair_first_city[inside]
    second, inside = _local(plan.pair_second, offset, size)
    cols["USERID"][second] = plan.pair_userid[inside]
    cols["city"][second] = np.where(plan.pair_first_city[inside] == RYBINSK, YAROSLAVL, RYBINSK)


def _negate_balance(cols: Columns, rows: IntArray) -> None:
    """Make a balance negative; one without a balance gets minus its salary (plausible text)."""
    balance = cols["balance"][rows]
    cols["balance"][rows] = -np.where(np.isnan(balance), cols["EST_SALARY"][rows], balance)


def _copy_rows(cols: Columns, plan: DefectPlan, offset: int) -> None:
    """Overwrite each exact-duplicate row with its source row, field for field."""
    size = len(cols["USERID"])
    targets, inside = _local(plan.copy_target, offset, size)
    sources = plan.copy_source[inside] - offset
    if ((sources < 0) | (sources >= size)).any():
        raise ValueError("defects are injected into whole generation blocks only")
    for values in cols.values():
        values[targets] = values[sources]


def inject_defects(
    clean: Columns, plan: DefectPlan, offset: int
) -> tuple[Columns, dict[str, BoolArray]]:
    """Rows [offset, offset + n) of ``clean`` (with USERID) after the planted defects.

    The rows must be whole generation blocks, so that every copied row is at hand. Returns the
    columns and, per column written as text somewhere, the mask of those rows.
    """
    cols = {name: values.copy() for name, values in clean.items()}
    size = len(cols["USERID"])
    texts: dict[str, BoolArray] = {}
    _share_pair_ids(cols, plan, offset)
    for defect in DEFECTS:
        rows = _local(plan.rows_of.get(defect.name, _no_rows()), offset, size)[0]
        for column, value in defect.edits:
            cols[column][rows] = value
        if defect.text is not None:
            texts.setdefault(defect.text[0], np.zeros(size, np.bool_))[rows] = True
    _negate_balance(cols, _local(plan.rows_of.get(NEGATIVE_BALANCE, _no_rows()), offset, size)[0])
    _copy_rows(cols, plan, offset)
    return cols, texts
