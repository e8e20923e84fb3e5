"""A reader that holds the serving file open the way a Tableau live connection does."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from scripts.publish import checksum
from scripts.warehouse import PROJECT_DIR

# Opens the file read-only once, keeps the connection, and answers each table name it is sent
# with that table's checksum as this connection sees it.
READER = """
import sys
import duckdb
from scripts.publish import checksum

connection = duckdb.connect(sys.argv[1], read_only=True)
for table in sys.stdin:
    rows = connection.execute(f'select * from main."{table.strip()}"').fetchall()
    print(checksum(rows), flush=True)
"""


@contextmanager
def held_reader(database: Path) -> Iterator[Callable[[str], str]]:
    """A separate process holding `database` open; call the result with a table name to read."""
    process = subprocess.Popen(
        [sys.executable, "-c", READER, str(database)],
        cwd=PROJECT_DIR,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    stdin, stdout = process.stdin, process.stdout
    assert stdin is not None
    assert stdout is not None

    def read(table: str) -> str:
        assert process.poll() is None, "the reader has died"
        stdin.write(f"{table}\n")
        stdin.flush()
        return stdout.readline().strip()

    try:
        yield read
    finally:
        stdin.close()
        assert process.wait(timeout=60) == 0


def table_checksum(database: Path, table: str) -> str:
    """The checksum a fresh connection sees, to compare with what the held reader sees."""
    with duckdb.connect(str(database), read_only=True) as connection:
        return checksum(connection.execute(f'select * from main."{table}"').fetchall())
