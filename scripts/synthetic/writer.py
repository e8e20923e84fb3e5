"""Writing the synthetic file as CSV (the real file's format) or Parquet, one chunk at a time.

Values are written the way the real file writes them: a float as the shortest text that reads back
to the same double, which is Python's ``repr`` (``850.0``, ``59214.82``); a missing value as an
empty field. Memory stays bounded by one chunk whatever the row count.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import duckdb
import numpy as np
import numpy.typing as npt

from scripts.synthetic.chunks import Chunk, iter_chunks
from scripts.synthetic.defects import DEFECTS
from scripts.synthetic.schema import CITY_LABELS, GENDER_LABELS, HEADER, IntArray

FORMATS: tuple[str, ...] = ("csv", "parquet")
# The text written instead of a number, by column (see the defects with a ``text``).
TEXT_BY_COLUMN: dict[str, str] = dict(d.text for d in DEFECTS if d.text is not None)
# Columns of small codes, written by table lookup: far faster than one str() call per field.
DIGITS: tuple[str, ...] = tuple(str(digit) for digit in range(10))
LABELS_BY_COLUMN: dict[str, tuple[str, ...]] = {
    "city": CITY_LABELS,
    "gender": GENDER_LABELS,
    "equity": DIGITS,
    "products": DIGITS,
    "credit_card": DIGITS,
    "last_activity": DIGITS,
    "churn": DIGITS,
}
# The texts of the whole numbers 0..MAX_WHOLE, then the empty field of NaN (looked up at -1).
MAX_WHOLE = 1_000
WHOLE_TEXTS: tuple[str, ...] = (*(repr(float(whole)) for whole in range(MAX_WHOLE + 1)), "")


def label_texts(codes: IntArray, labels: Sequence[str]) -> list[str]:
    """The label of each code (codes index ``labels``)."""
    texts: list[str] = np.asarray(labels, dtype=object)[codes].tolist()
    return texts


def float_texts(values: npt.NDArray[np.float64]) -> list[str]:
    """Each float as its shortest round-trip text (``repr``), NaN as an empty field.

    A column of small whole numbers (every score and age) is looked up in a table of those same
    texts instead, in a small fraction of the time of one ``repr`` call per field.
    """
    missing = np.isnan(values)
    filled = np.where(missing, 0.0, values)
    small_whole = (filled == np.floor(filled)) & (filled <= MAX_WHOLE) & ~np.signbit(filled)
    if small_whole.all():
        return label_texts(np.where(missing, -1, filled).astype(np.int64), WHOLE_TEXTS)
    return ["" if value != value else repr(value) for value in values.tolist()]


def column_texts(name: str, values: npt.NDArray[np.generic]) -> list[str]:
    """The fields of one column as written, before planted texts."""
    if name in LABELS_BY_COLUMN:
        return label_texts(values.astype(np.int64), LABELS_BY_COLUMN[name])
    if values.dtype.kind == "f":
        return float_texts(values.astype(np.float64))
    return list(map(str, values.tolist()))


def csv_lines(chunk: Chunk) -> str:
    """The chunk's rows as CSV text, a newline after each row.

    No field ever needs quoting: labels and planted texts are fixed and hold no comma, quote or
    newline, and numbers never do.
    """
    columns = []
    for name in HEADER:
        texts = column_texts(name, chunk.columns[name])
        if name in chunk.texts:
            for row in np.flatnonzero(chunk.texts[name]).tolist():
                texts[row] = TEXT_BY_COLUMN[name]
        columns.append(texts)
    return "\n".join(map(",".join, zip(*columns, strict=True))) + "\n"


def write_csv(path: Path, chunks: Iterable[Chunk]) -> None:
    """Write the header, then each chunk's rows, as UTF-8 with ``\\n`` line ends."""
    with path.open("w", encoding="utf-8", newline="") as sink:
        sink.write(",".join(HEADER) + "\n")
        for chunk in chunks:
            sink.write(csv_lines(chunk))


def _sql_text(path: Path) -> str:
    """A path as a quoted SQL string literal."""
    return "'" + str(path).replace("'", "''") + "'"


def csv_to_parquet(csv_path: Path, output: Path, tmp: Path) -> None:
    """Convert the written CSV to Parquet with every column as text.

    Keeping text means malformed values survive and empty fields become NULL, so both formats
    hold the same values. DuckDB streams the conversion and may spill to ``tmp``.
    """
    columns = ", ".join(f"'{name}': 'varchar'" for name in HEADER)
    with duckdb.connect() as con:
        con.execute(f"set temp_directory = {_sql_text(tmp)}")
        con.execute(
            f"copy (select * from read_csv({_sql_text(csv_path)}, header = true, delim = ',', "
            f"quote = '\"', columns = {{{columns}}})) to {_sql_text(output)} (format parquet)"
        )


def write_customers(output: Path, rows: int, seed: int, fmt: str, chunk_rows: int) -> None:
    """Write the ``rows``-row file for ``seed`` as UTF-8 CSV or Parquet.

    ``chunk_rows`` bounds memory and never changes the output.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    chunks = iter_chunks(rows, seed, chunk_rows)
    output.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        write_csv(output, chunks)
        return
    with tempfile.TemporaryDirectory(prefix="generate_customers_") as tmp_dir:
        csv_path = Path(tmp_dir) / "customers.csv"
        write_csv(csv_path, chunks)
        csv_to_parquet(csv_path, output, Path(tmp_dir))
