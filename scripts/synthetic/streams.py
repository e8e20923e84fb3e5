"""Independent random streams, so that any part of the file can be drawn without the rest.

Every stream is keyed by (seed, purpose, ...): clean customers come in blocks of ``BLOCK_ROWS``
rows, each from its own stream, and the defect plan and the id permutation have streams of their
own. Output therefore never depends on how the rows are chunked.
"""

from __future__ import annotations

import numpy as np

# Unit of random generation. Small, so that a chunk cutting through a block wastes little work.
BLOCK_ROWS = 5_000

BLOCK_STREAM = 0
PLAN_STREAM = 1
ID_STREAM = 2


def stream(seed: int, *key: int) -> np.random.Generator:
    """Generator for one purpose: the same (seed, key) always gives the same numbers."""
    sequence = np.random.SeedSequence(seed, spawn_key=key)
    return np.random.Generator(np.random.PCG64(sequence))


def block_window(start: int, stop: int) -> tuple[int, int]:
    """The smallest run of whole blocks holding rows [start, stop)."""
    return start // BLOCK_ROWS * BLOCK_ROWS, -(-stop // BLOCK_ROWS) * BLOCK_ROWS
