"""Final rows of the file (clean customers, ids, defects) for any range of rows.

A chunk is built from the whole generation blocks around it, so each row's values, id and
defects come out the same whichever chunk it falls in: chunked output equals one-shot output.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scripts.synthetic.customers import clean_rows
from scripts.synthetic.defects import DefectPlan, inject_defects, plan_defects
from scripts.synthetic.ids import customer_ids
from scripts.synthetic.schema import CITY_LABELS, GENDER_LABELS, HEADER, BoolArray, Columns
from scripts.synthetic.streams import block_window


@dataclass(frozen=True)
class Chunk:
    """Final rows [start, stop) in typed form.

    ``columns`` holds every column of HEADER (city and gender as label codes). A field written as
    text rather than a number is NaN there, and ``texts[column]`` marks the rows where it is.
    """

    start: int
    stop: int
    columns: Columns
    texts: dict[str, BoolArray]


def build_chunk(
    rows: int, seed: int, start: int, stop: int, plan: DefectPlan | None = None
) -> Chunk:
    """Final rows [start, stop) of the ``rows``-row file for ``seed``.

    ``plan`` is ``plan_defects(rows, seed)``, passed in to avoid recomputing it for every chunk.
    """
    if not 0 <= start < stop <= rows:
        raise ValueError(f"bad row range [{start}, {stop}) for {rows} rows")
    plan = plan if plan is not None else plan_defects(rows, seed)
    low, high = block_window(start, stop)
    clean = clean_rows(seed, low, high)
    clean["USERID"] = customer_ids(np.arange(low, high, dtype=np.int64), rows, seed)
    cols, texts = inject_defects(clean, plan, low)
    cut = slice(start - low, stop - low)
    return Chunk(
        start,
        stop,
        {name: cols[name][cut] for name in HEADER},
        {name: mask[cut] for name, mask in texts.items()},
    )


def iter_chunks(rows: int, seed: int, chunk_rows: int) -> Iterator[Chunk]:
    """Final rows of the whole file, ``chunk_rows`` at a time."""
    if rows < 1 or chunk_rows < 1:
        raise ValueError("rows and chunk_rows must be positive")
    plan = plan_defects(rows, seed)
    # A generator expression, so that bad arguments fail here rather than at the first chunk.
    return (
        build_chunk(rows, seed, start, min(start + chunk_rows, rows), plan)
        for start in range(0, rows, chunk_rows)
    )


def chunk_to_frame(chunk: Chunk) -> pd.DataFrame:
    """Typed DataFrame of a chunk indexed by row (text fields NaN), columns in HEADER order."""
    cols = chunk.columns
    frame = pd.DataFrame(
        {
            **cols,
            "city": np.asarray(CITY_LABELS, dtype=object)[cols["city"]],
            "gender": np.asarray(GENDER_LABELS, dtype=object)[cols["gender"]],
        },
        columns=list(HEADER),
    )
    frame.index = pd.RangeIndex(chunk.start, chunk.stop)
    return frame


def generate_frame(rows: int, seed: int) -> pd.DataFrame:
    """The whole file as one typed DataFrame (for tests and small row counts)."""
    return chunk_to_frame(build_chunk(rows, seed, 0, rows))
