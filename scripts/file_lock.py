"""An exclusive lock on a file, held for a block of work, that a crash can never leave behind."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

POLL_SECONDS = 0.05


class LockBusyError(RuntimeError):
    """Another process held the lock for longer than the caller was willing to wait."""


@contextmanager
def exclusive_lock(lock_path: Path, timeout_seconds: float) -> Iterator[None]:
    """Hold an flock on `lock_path` for the block, waiting up to `timeout_seconds` (0: not at all)
    for another holder; raise LockBusyError if it does not let go in time."""
    # The lock file is never deleted: a process waiting on the old inode would then lock a file
    # nobody else can see, and two holders would run at once.
    descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout_seconds
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise LockBusyError(f"{lock_path} is held by another process") from None
                time.sleep(min(POLL_SECONDS, remaining))
        yield
    finally:
        # The kernel drops the lock with the descriptor, also when the process is killed, so a
        # crash never leaves the lock held.
        os.close(descriptor)
