"""Command line: write a synthetic bank customer file shaped like ``bank_scrooge.csv``.

    python -m scripts.generate_customers [--rows N] [--seed S] [--format csv|parquet]
                                         [--output PATH] [--chunk-rows N]

The same seed and row count always give byte-identical output. The generator itself lives in
``scripts.synthetic``; this module only parses arguments and reports.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from scripts.synthetic.defects import DEFECTS
from scripts.synthetic.writer import FORMATS, write_customers

__all__ = ["DEFAULT_OUTPUT", "DEFAULT_ROWS", "DEFAULT_SEED", "DEFECTS", "main"]

DEFAULT_SEED = 20261128
DEFAULT_ROWS = 10_000
DEFAULT_CHUNK_ROWS = 200_000
REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = REPO_ROOT / "data" / "sample" / "bank_customers_sample.csv"


def _positive(text: str) -> int:
    """Row counts: zero rows or zero-row chunks would write nothing useful."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be a positive integer")
    return value


def _non_negative(text: str) -> int:
    """Seeds: numpy seed sequences take only non-negative integers."""
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be a non-negative integer")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The command's arguments and their defaults."""
    parser = argparse.ArgumentParser(
        description="Write a synthetic bank customer file shaped like bank_scrooge.csv.",
    )
    parser.add_argument("--rows", type=_positive, default=DEFAULT_ROWS, help="rows to write")
    parser.add_argument("--seed", type=_non_negative, default=DEFAULT_SEED, help="random seed")
    parser.add_argument("--format", choices=FORMATS, default="csv", dest="fmt")
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
    """Write the file the arguments describe and say where it went and how long it took."""
    args = build_parser().parse_args(argv)
    output: Path = args.output or DEFAULT_OUTPUT.with_suffix(f".{args.fmt}")
    began = time.perf_counter()
    write_customers(output, args.rows, args.seed, args.fmt, args.chunk_rows)
    seconds = time.perf_counter() - began
    print(f"wrote {args.rows:,} rows to {output} in {seconds:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
