"""What a build that dies half-way, or a second build started beside it, does to what readers see.

Tableau and every other reader open `<serving>/current/bank_serving.duckdb` and the extracts beside
it. These tests run the real commands as processes, kill them with SIGKILL -- the whole process
group, so dbt dies with the pipeline -- and prove:

* A build killed while `dbt build` runs (5 kills, at nodes spread over dbt's run) leaves `current`
  naming the same release, every file of that release byte for byte as it was (SHA-256 of each
  file before and after), and creates no release, not even a `.partial` one.
* A publish killed at 5 points (3 at random fractions of a measured publish, 2 while its `.partial`
  folder exists) leaves the same; only a kill that lands after the switch (or after the process
  has finished) may change `current`, and then to a new complete release.
* While any of those runs, a watcher reading `current` every few milliseconds never finds it
  naming anything but a complete release: never a `.partial` folder, never missing.
* The next run after the kills succeeds: the next publish makes a complete release and removes the
  `.partial` folders the killed publishes left; the next full pipeline run publishes a complete
  release equal to the warehouse it rebuilt.
* Of two builds started at once on one warehouse exactly one runs (exit 0) and the other refuses
  at once with exit 75 (`pipeline.BUSY_EXIT_CODE`) and a message naming the warehouse and the lock
  file; a build started while the lock is held refuses the same way and touches nothing.

"Complete" means: the manifest names every Tableau mart of the warehouse, the release folder holds
exactly the files the manifest lists, and each mart's checksum (`scripts.publish.checksum`) is the
same in the manifest, the serving DuckDB file, the Parquet file, the Hyper extract and the
warehouse's own `select * from <mart>`.

Kill points are drawn from `random.Random(SEED)`, so a failure names its kill point and replays with
the same seed. No assertion depends on timing: durations are measured only to place kill points.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import duckdb
import pytest
from tableauhyperapi import Connection, HyperProcess, TableName, Telemetry

from scripts import pipeline
from scripts.file_lock import exclusive_lock
from scripts.publish import (
    CURRENT,
    HYPER_SCHEMA,
    MANIFEST,
    RELEASES,
    SERVING_FILE,
    PublishError,
    checksum,
    publish,
    tableau_marts,
)
from scripts.tests.held_reader import table_checksum
from scripts.tests.release_contents import base_tables, hyper_value, parquet_rows
from scripts.warehouse import DEFAULT_CUSTOMERS_CSV, PROJECT_DIR, Warehouse, run_dbt

SEED = 20_251_128
KILLS = 5
POLL_SECONDS = 0.02
WATCH_SECONDS = 0.005
# Generous: only a hung process ever reaches them, and then the test fails instead of hanging.
RUN_TIMEOUT_SECONDS = 900.0
EXIT_TIMEOUT_SECONDS = 60.0
# What `current` may point at: releases/<id>, the id as scripts.publish.new_release_id spells it.
RELEASE_LINK = re.compile(rf"{RELEASES}/\d{{8}}T\d{{12}}Z-\d+")
# Every node of a build prints `k of N START` when it begins, except exposures, which print only
# `k of N NO-OP`: with either, a kill fraction near 1 still finds its node.
DBT_NODE_STARTED = re.compile(r"\b(\d+) of (\d+) (?:START|NO-OP)\b")


# --- the serving area -------------------------------------------------------------------------


@dataclass(frozen=True)
class ServingState:
    """Where `current` points, and the SHA-256 of every file of the release it points at."""

    link: str
    files: dict[str, str]


def tree_digest(folder: Path) -> dict[str, str]:
    """Every entry under `folder` by relative path: a file's SHA-256, "dir" or a link's target."""
    digests = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        if path.is_symlink():
            digests[name] = f"-> {os.readlink(path)}"
        elif path.is_dir():
            digests[name] = "dir"
        else:
            with path.open("rb") as file:
                digests[name] = hashlib.file_digest(file, "sha256").hexdigest()
    return digests


def serving_state(serving: Path) -> ServingState:
    link = os.readlink(serving / CURRENT)
    return ServingState(link, tree_digest(serving / link))


def release_entries(serving: Path) -> list[str]:
    return sorted(entry.name for entry in (serving / RELEASES).iterdir())


def partials(serving: Path) -> list[str]:
    return [name for name in release_entries(serving) if name.endswith(".partial")]


def leftover_links(serving: Path) -> list[str]:
    return sorted(entry.name for entry in serving.glob(f".{CURRENT}.*.tmp"))


class CurrentWatcher:
    """Reads where `current` points every few milliseconds while a build runs, the way a reader
    opening the serving file would find it; `seen` holds every answer."""

    def __init__(self, serving: Path) -> None:
        self._link = serving / CURRENT
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self.seen: set[str] = set()

    def _watch(self) -> None:
        while not self._stop.is_set():
            try:
                self.seen.add(os.readlink(self._link))
            except OSError as error:
                self.seen.add(f"<{self._link} unreadable: {error.strerror}>")
            self._stop.wait(WATCH_SECONDS)

    def __enter__(self) -> CurrentWatcher:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()


# --- checking a release -----------------------------------------------------------------------


def parquet_checksum(path: Path) -> str:
    return checksum(parquet_rows(path))


def hyper_checksum(process: HyperProcess, extract: Path, mart: str, scratch: Path) -> str:
    # Read a copy: opening a file in Hyper may write to it, and the releases must stay untouched.
    scratch.mkdir(parents=True, exist_ok=True)
    copy = scratch / f"{extract.parent.parent.name}-{extract.name}"
    shutil.copyfile(extract, copy)
    name = TableName(HYPER_SCHEMA, mart)
    with Connection(process.endpoint, str(copy)) as connection:
        rows = connection.execute_list_query(f"select * from {name}")
    copy.unlink()
    return checksum([hyper_value(value) for value in row] for row in rows)


def mart_checksums(warehouse: Path) -> dict[str, str]:
    """The checksum of `select * from <mart>` for every Tableau mart of the warehouse."""
    return {mart: table_checksum(warehouse, mart) for mart in tableau_marts(base_tables(warehouse))}


def assert_complete_release(
    release: Path, hyper: HyperProcess, scratch: Path, warehouse_marts: dict[str, str]
) -> None:
    """The release holds exactly what its manifest lists, its marts are the warehouse's marts
    (`mart_checksums`), and every copy of every mart has the warehouse's checksum."""
    assert RELEASE_LINK.fullmatch(f"{RELEASES}/{release.name}"), f"{release} is not a release"
    manifest = json.loads((release / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["release_id"] == release.name
    marts = {entry["name"]: entry for entry in manifest["marts"]}
    listed = {SERVING_FILE, MANIFEST}
    listed |= {entry["parquet"] for entry in marts.values()}
    listed |= {entry["hyper"] for entry in marts.values()}
    files = {str(path.relative_to(release)) for path in release.rglob("*") if not path.is_dir()}
    assert files == listed, f"{release}: files differ from the manifest"
    serving_file = release / SERVING_FILE
    assert base_tables(serving_file) == sorted(marts)
    for mart, entry in marts.items():
        expected = entry["checksum"]
        assert expected.startswith(f"{entry['rows']}:"), (release, mart)
        assert table_checksum(serving_file, mart) == expected, (release, mart, "DuckDB")
        assert parquet_checksum(release / entry["parquet"]) == expected, (release, mart)
        extract = release / entry["hyper"]
        assert hyper_checksum(hyper, extract, mart, scratch) == expected, (release, mart)
    assert {mart: entry["checksum"] for mart, entry in marts.items()} == warehouse_marts


def assert_serving_safe(
    serving: Path,
    before: ServingState,
    seen: set[str],
    hyper: HyperProcess,
    scratch: Path,
    warehouse_marts: Callable[[], dict[str, str]],
    context: str,
) -> ServingState:
    """After a run that was killed or ended: `current` names a complete release and always did,
    and the release that was current before is byte for byte as it was. Returns the new state."""
    after = serving_state(serving)
    for target in sorted(seen | {after.link}):
        assert RELEASE_LINK.fullmatch(target), f"{context}: `current` named {target}"
    assert seen <= {before.link, after.link}, f"{context}: `current` named {sorted(seen)}"
    # releases are never modified; the kill must not have changed a byte of the one readers had
    assert tree_digest(serving / before.link) == before.files, f"{context}: {before.link} changed"
    if after.link != before.link:
        # the run got past the switch before it died, or had already finished
        assert_complete_release(serving / after.link, hyper, scratch, warehouse_marts())
    return after


# --- processes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """One command running in a session of its own, its output going to two files."""

    process: subprocess.Popen[bytes]
    stdout: Path
    stderr: Path
    started: float

    def output(self, limit: int = 4000) -> str:
        out = self.stdout.read_text(encoding="utf-8", errors="replace")
        err = self.stderr.read_text(encoding="utf-8", errors="replace")
        return f"--- stdout ---\n{out[-limit:]}\n--- stderr ---\n{err[-limit:]}"


def session_members(session: int) -> list[str]:
    """The live processes of a session: the command and everything it started, hyperd included
    (which runs in a process group of its own)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.find("(") + 1 : stat.rfind(")")]
        state, _, _, sid = stat[stat.rfind(")") + 2 :].split()[:4]
        if int(sid) == session and state not in {"Z", "X"}:
            members.append(f"{entry.name} {name}")
    return members


def wait_for_session_to_end(run: Run) -> None:
    deadline = time.monotonic() + EXIT_TIMEOUT_SECONDS
    while (members := session_members(run.process.pid)) and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
    assert not members, f"still running {EXIT_TIMEOUT_SECONDS:g} s after the build: {members}"


def kill_build(run: Run) -> int:
    """SIGKILL the run's process group, as a crash or the OOM killer would; return its exit code
    once nothing it started is alive. A run that has already finished is left as it ended."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(run.process.pid, signal.SIGKILL)
    returncode = run.process.wait(timeout=EXIT_TIMEOUT_SECONDS)
    wait_for_session_to_end(run)
    return returncode


def finish(run: Run) -> int:
    returncode = run.process.wait(timeout=RUN_TIMEOUT_SECONDS)
    wait_for_session_to_end(run)
    return returncode


def wait_until(run: Run, ready: Callable[[], bool], deadline: float) -> bool:
    """Poll until `ready()`; False if the run ended or the deadline passed first."""
    while time.monotonic() < deadline:
        if ready():
            return True
        if run.process.poll() is not None:
            return ready()
        time.sleep(POLL_SECONDS)
    return False


class DbtProgress:
    """How far the build's dbt has got, from the `k of N START` (or, for an exposure, `NO-OP`)
    lines it prints."""

    def __init__(self, stdout: Path) -> None:
        self._stdout = stdout
        self._read = 0
        self._pending = ""
        self.node = 0
        self.nodes = 0

    def reached(self, fraction: float) -> bool:
        """Has dbt started the node `fraction` of the way through its run?"""
        with self._stdout.open("rb") as output:
            output.seek(self._read)
            new = output.read()
        self._read += len(new)
        *lines, self._pending = (self._pending + new.decode(errors="replace")).split("\n")
        for line in lines:
            if started := DBT_NODE_STARTED.search(line):
                self.node = max(self.node, int(started[1]))
                self.nodes = int(started[2])
        return self.nodes > 0 and self.node >= max(1, math.ceil(fraction * self.nodes))


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Callable[[list[str], str], Run]]:
    """Starts `python -m <arguments>` from the project folder in a new session; whatever a failing
    test leaves running is killed at the end."""
    logs = tmp_path / "logs"
    logs.mkdir()
    runs: list[Run] = []

    def launch(arguments: list[str], name: str) -> Run:
        stdout, stderr = logs / f"{name}.out", logs / f"{name}.err"
        with stdout.open("wb") as out, stderr.open("wb") as err:
            process = subprocess.Popen(
                [sys.executable, "-m", *arguments],
                cwd=PROJECT_DIR,
                stdout=out,
                stderr=err,
                start_new_session=True,
            )
        runs.append(Run(process, stdout, stderr, time.monotonic()))
        return runs[-1]

    yield launch
    for run in runs:
        if run.process.poll() is None:
            kill_build(run)


@pytest.fixture(scope="module")
def hyper(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HyperProcess]:
    parameters = {"log_config": "", "log_dir": str(tmp_path_factory.mktemp("hyper-logs"))}
    with HyperProcess(
        Telemetry.DO_NOT_SEND_USAGE_DATA_TO_TABLEAU, parameters=parameters
    ) as process:
        yield process


def spread(rng: random.Random, count: int) -> list[float]:
    """`count` fractions of [0, 1), one in each of `count` equal slices, in random order."""
    fractions = [rng.uniform(slot / count, (slot + 1) / count) for slot in range(count)]
    rng.shuffle(fractions)
    return fractions


def copy_warehouse(analysed: Warehouse, workdir: Path) -> Path:
    """A private copy of the analysed sample warehouse; the session fixture's file stays as is."""
    warehouse = (workdir / "warehouse" / "bank.duckdb").resolve()
    warehouse.parent.mkdir(parents=True)
    shutil.copyfile(analysed.duckdb_path, warehouse)
    return warehouse


def pipeline_arguments(workdir: Path, warehouse: Path, serving: Path) -> list[str]:
    """Every path the main job writes to, inside `workdir`: nothing touches the repository's own."""
    return [
        "--customers-csv",
        str(DEFAULT_CUSTOMERS_CSV),
        "--duckdb-path",
        str(warehouse),
        "--serving-dir",
        str(serving),
        "--reports-dir",
        str(workdir / "reports"),
        "--dbt-artifacts-dir",
        str(workdir / "dbt"),
    ]


def busy_message(warehouse: Path) -> tuple[str, str]:
    lock = pipeline.build_lock_path(warehouse)
    return f"another build of {warehouse} is running", f"(it holds {lock})"


# --- the tests ----------------------------------------------------------------------------------


def test_a_build_started_while_another_holds_the_lock_refuses_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    warehouse = (tmp_path / "warehouse" / "bank.duckdb").resolve()
    warehouse.parent.mkdir()
    lock = pipeline.build_lock_path(warehouse)
    assert lock.parent == warehouse.parent
    arguments = pipeline_arguments(tmp_path, warehouse, tmp_path / "serving")
    with exclusive_lock(lock, timeout_seconds=0):
        returncode = pipeline.main(arguments)
    assert returncode == pipeline.BUSY_EXIT_CODE == 75
    error = capsys.readouterr().err
    for part in busy_message(warehouse):
        assert part in error
    # it refused before doing anything: no warehouse, serving area, report or dbt artifacts
    assert sorted(path.name for path in tmp_path.iterdir()) == ["warehouse"]
    assert sorted(path.name for path in warehouse.parent.iterdir()) == [lock.name]


def test_publish_killed_at_random_points_keeps_current_and_next_publish_removes_partials(
    analysed_sample_warehouse: Warehouse,
    tmp_path: Path,
    start: Callable[[list[str], str], Run],
    hyper: HyperProcess,
) -> None:
    """Five publishes killed, each starting from what the one before left; then one that runs."""
    rng = random.Random(SEED)
    warehouse = copy_warehouse(analysed_sample_warehouse, tmp_path)
    expected = mart_checksums(warehouse)
    serving = tmp_path / "serving"
    scratch = tmp_path / "scratch"
    arguments = ["scripts.publish", "--database", str(warehouse), "--serving-dir", str(serving)]

    first = start(arguments, "publish-first")
    assert finish(first) == 0, first.output()
    duration = time.monotonic() - first.started
    assert_complete_release(serving / os.readlink(serving / CURRENT), hyper, scratch, expected)

    # three kills anywhere in a publish, then two while the release is being built: one at a
    # random moment of the rest of the publish, the last at once, so a .partial surely remains
    plan = [("time", fraction) for fraction in spread(rng, KILLS - 2)]
    plan += [("partial", rng.uniform(0.0, 0.5)), ("partial", 0.0)]
    left_partial = []
    for number, (kind, fraction) in enumerate(plan, 1):
        before = serving_state(serving)
        with CurrentWatcher(serving) as watcher:
            run = start(arguments, f"publish-kill-{number}")
            partial_name = re.compile(rf"\.\S+-{run.process.pid}\.partial")

            def building(partial_name: re.Pattern[str] = partial_name) -> bool:
                return any(partial_name.fullmatch(name) for name in partials(serving))

            if kind == "time":
                point = f"{fraction:.3f} of a {duration:.2f} s publish"
                wait_until(run, lambda: False, run.started + fraction * duration)
            else:
                appeared = wait_until(run, building, run.started + RUN_TIMEOUT_SECONDS)
                assert appeared, f"publish {number} never built a .partial\n{run.output()}"
                remaining = duration - (time.monotonic() - run.started)
                point = f".partial seen, then {fraction:.3f} of the {remaining:.2f} s left"
                time.sleep(max(0.0, fraction * remaining))
            returncode = kill_build(run)
        context = f"publish kill {number} (seed {SEED}, {point}, exit {returncode})"
        assert returncode in {-signal.SIGKILL, 0}, f"{context}\n{run.output()}"
        after = assert_serving_safe(
            serving, before, watcher.seen, hyper, scratch, lambda: expected, context
        )
        if returncode == 0:
            assert after.link != before.link, context
        if building():
            left_partial.append(number)
    # the kill at once on seeing the .partial folder left it there, half-written
    assert KILLS in left_partial
    leftovers = partials(serving)
    assert leftovers

    before = serving_state(serving)
    with CurrentWatcher(serving) as watcher:
        last = start(arguments, "publish-next")
        assert finish(last) == 0, last.output()
    published = re.search(r"Published release (\S+):", last.stdout.read_text(encoding="utf-8"))
    assert published, last.output()
    # checks that the new release is complete and equals the warehouse
    after = assert_serving_safe(
        serving, before, watcher.seen, hyper, scratch, lambda: expected, "publish after kills"
    )
    assert after.link == f"{RELEASES}/{published[1]}"
    # no .partial was ever current, and the next publish removed them all with any other leftover
    assert not set(leftovers) & {Path(target).name for target in watcher.seen}
    assert partials(serving) == []
    assert leftover_links(serving) == []
    assert release_entries(serving) == sorted({Path(before.link).name, published[1]})


def test_build_killed_during_dbt_keeps_current_then_of_two_builds_at_once_one_publishes(
    analysed_sample_warehouse: Warehouse,
    tmp_path: Path,
    start: Callable[[list[str], str], Run],
    hyper: HyperProcess,
) -> None:
    """Five builds killed while dbt runs share one warehouse and serving area; the next run is
    two builds started together, so it proves both that the next build succeeds and that only
    one of two concurrent builds runs."""
    rng = random.Random(SEED + 1)
    warehouse = copy_warehouse(analysed_sample_warehouse, tmp_path)
    serving = tmp_path / "serving"
    scratch = tmp_path / "scratch"
    publish(warehouse, serving)
    first = serving_state(serving)
    arguments = ["scripts.pipeline", *pipeline_arguments(tmp_path, warehouse, serving)]

    def rebuilt_marts() -> dict[str, str]:
        return mart_checksums(warehouse)

    for number, fraction in enumerate(spread(rng, KILLS), 1):
        before = serving_state(serving)
        with CurrentWatcher(serving) as watcher:
            run = start(arguments, f"build-kill-{number}")
            progress = DbtProgress(run.stdout)
            reached = wait_until(
                run,
                lambda progress=progress, fraction=fraction: progress.reached(fraction),
                run.started + RUN_TIMEOUT_SECONDS,
            )
            assert reached, f"build {number} ended before dbt ran its nodes\n{run.output()}"
            # land inside a node, not just as it starts
            time.sleep(rng.uniform(0.0, 0.25))
            returncode = kill_build(run)
        context = (
            f"build kill {number} (seed {SEED + 1}, fraction {fraction:.3f}: "
            f"dbt node {progress.node} of {progress.nodes}, exit {returncode})"
        )
        assert returncode in {-signal.SIGKILL, 0}, f"{context}\n{run.output()}"
        after = assert_serving_safe(
            serving, before, watcher.seen, hyper, scratch, rebuilt_marts, context
        )
        if returncode == -signal.SIGKILL:
            # killed before its publish: the release readers have is the only one, untouched
            assert after == before, context
            assert release_entries(serving) == [Path(first.link).name], context

    before = serving_state(serving)
    with CurrentWatcher(serving) as watcher:
        runs = [start(arguments, f"together-{number}") for number in (1, 2)]
        returncodes = [finish(run) for run in runs]
    outputs = "\n".join(run.output() for run in runs)
    assert sorted(returncodes) == [0, pipeline.BUSY_EXIT_CODE], outputs
    refused = runs[returncodes.index(pipeline.BUSY_EXIT_CODE)]
    message = refused.stderr.read_text(encoding="utf-8")
    for part in busy_message(warehouse):
        assert part in message, outputs
    assert "Running with dbt" not in refused.stdout.read_text(encoding="utf-8")

    # the build that ran rebuilt the warehouse and published it as a new, complete release
    after = assert_serving_safe(
        serving, before, watcher.seen, hyper, scratch, rebuilt_marts, "two builds at once"
    )
    assert after.link != before.link
    assert release_entries(serving) == sorted({Path(before.link).name, Path(after.link).name})
    assert leftover_links(serving) == []


def test_a_rebuilt_customer_table_leaves_no_stale_hypothesis_results_to_publish(
    analysed_sample_warehouse: Warehouse, tmp_path: Path
) -> None:
    # a run killed between dbt build and the hypothesis script must not publish last build's
    # results beside this build's marts
    warehouse = Warehouse(
        customers_csv=analysed_sample_warehouse.customers_csv,
        duckdb_path=tmp_path / "bank.duckdb",
    )
    shutil.copyfile(analysed_sample_warehouse.duckdb_path, warehouse.duckdb_path)
    rebuilt = run_dbt(
        ["run", "--select", "dim_customers"], warehouse, artifacts_dir=tmp_path, capture_output=True
    )
    assert rebuilt.returncode == 0, rebuilt.stdout[-3000:]
    with duckdb.connect(str(warehouse.duckdb_path), read_only=True) as connection:
        tables = {name for (name,) in connection.execute("show tables").fetchall()}
    assert "rpt_hypothesis_results" not in tables
    with pytest.raises(PublishError, match="rpt_hypothesis_results"):
        publish(warehouse.duckdb_path, tmp_path / "serving")
