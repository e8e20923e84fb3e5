"""Customer ids: a keyed pseudo-random permutation of an id range, computed row by row.

A chunk of rows gets its ids without knowing any other chunk's, and ids never collide, so a file
of any size streams without remembering the ids already used.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from scripts.synthetic.schema import IntArray
from scripts.synthetic.streams import ID_STREAM, stream

UIntArray = npt.NDArray[np.uint64]

# The real file uses 94561..229145. Up to 10,352 rows ids stay in that range; beyond, the range
# grows to ID_SPAN_PER_ROW ids per row (about the real sparsity: 134,585 ids for 10,000 rows).
ID_MIN = 94_561
REAL_ID_SPAN = 229_145 - ID_MIN + 1
ID_SPAN_PER_ROW = 13

_MULT_A = np.uint64(0x9E3779B97F4A7C15)
_MULT_B = np.uint64(0xBF58476D1CE4E5B9)
_FEISTEL_ROUNDS = 4


def id_span(rows: int) -> int:
    """How many ids, from ID_MIN on, a file of ``rows`` rows draws its ids from."""
    return max(REAL_ID_SPAN, ID_SPAN_PER_ROW * rows)


def feistel(values: UIntArray, half_bits: int, keys: Sequence[int]) -> UIntArray:
    """A keyed bijection on [0, 4**half_bits): balanced Feistel rounds over two halves."""
    mask = np.uint64((1 << half_bits) - 1)
    shift = np.uint64(half_bits)
    left, right = values >> shift, values & mask
    for key in keys:
        mixed = (right ^ np.uint64(key)) * _MULT_A
        mixed = (mixed ^ (mixed >> np.uint64(29))) * _MULT_B
        left, right = right, left ^ ((mixed >> np.uint64(32)) & mask)
    permuted: UIntArray = (left << shift) | right
    return permuted


def permute_ids(index: IntArray, span: int, seed: int) -> IntArray:
    """Map indices 0..span-1 one-to-one onto 0..span-1, pseudo-randomly.

    The Feistel network permutes [0, 4**h), the smallest such range holding ``span``; re-applying
    it to any value that lands at or above ``span`` ("cycle walking") restricts it to a bijection
    on [0, span). Each value needs few rounds on average, as span is over a quarter of 4**h.
    """
    half_bits = max(1, ((span - 1).bit_length() + 1) // 2)
    keys = [int(k) for k in stream(seed, ID_STREAM).integers(0, 2**62, _FEISTEL_ROUNDS)]
    out = feistel(index.astype(np.uint64), half_bits, keys)
    outside = out >= np.uint64(span)
    while outside.any():
        out[outside] = feistel(out[outside], half_bits, keys)
        outside = out >= np.uint64(span)
    return out.astype(np.int64)


def customer_ids(index: IntArray, rows: int, seed: int) -> IntArray:
    """USERID of the rows at ``index`` (before any planted duplicate) in a ``rows``-row file."""
    return ID_MIN + permute_ids(index, id_span(rows), seed)
