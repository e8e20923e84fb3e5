"""Benchmark: how `dbt build` scales with the number of customers, beside two peers that compute
the same marts without dbt. Not a test: run it by hand (`make benchmark`) and commit the table.

For each size it generates the customers (or reuses the file of that size in the workdir), then
runs each step as a child process of its own and reads that process's wall time and peak resident
memory (DuckDB runs inside dbt, so a dbt step's peak is the engine's):

  dbt-build    dbt build, every model and data test (no unit tests), on a fresh warehouse file
               and a project parsed beforehand, untimed
  hypotheses   the hypothesis script on the warehouse dbt-build wrote
  dbt-run      dbt run, models alone, on a fresh warehouse file whose seeds were loaded untimed
  main-job     python -m scripts.pipeline: build, hypotheses, report, publish, docs
  duckdb-peer  peer 1, the marts in one hand-written DuckDB SQL script
  pandas       peer 2, the marts in pandas

The whole run holds an exclusive lock (--lock-file) so that two heavy jobs never share the cores.
Each step's data files are deleted once it has been measured (100 million customers would not
fit on disk otherwise); its log and dbt's run_results.json stay in the workdir. A run writes its
whole table: give a run of other sizes (`--sizes 100000000 --skip pandas`) its own --output.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import importlib.util
import itertools
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scripts.file_lock import exclusive_lock
from scripts.warehouse import PROJECT_DIR, Warehouse, dbt_command, dbt_environment, run_dbt

DEFAULT_SIZES = (10_000, 1_000_000, 10_000_000)
DEFAULT_WORKDIR = Path("/tmp/bank_benchmark")
DEFAULT_OUTPUT = PROJECT_DIR / "scripts" / "benchmarks" / "scale_benchmark.md"
DEFAULT_LOCK_FILE = Path("/tmp/bank_heavy.lock")
DUCKDB_PEER_MODULE = "scripts.benchmarks.peers.duckdb_peer"
PANDAS_PEER_MODULE = "scripts.benchmarks.peers.pandas_peer"
SLOWEST_NODES = 10
GIB = 2**30
# step -> how the table names it, in the order the steps run
STEPS = {
    "dbt-build": "dbt build",
    "hypotheses": "hypothesis script",
    "dbt-run": "dbt run",
    "main-job": "main job",
    "duckdb-peer": "DuckDB peer",
    "pandas": "pandas peer",
}
WHY_SKIPPED = {
    "pandas": "skipped on request: pandas holds every customer in memory (2 GiB at 1 million, "
    "an estimated 15 at 10 million), so 100 million cannot fit in 24 GB",
}
# files a step writes that can be large; deleted once no later step reads them
DATA_SUFFIXES = {".duckdb", ".wal", ".parquet", ".hyper"}
# step -> the steps whose data files no later step reads once it is done: the hypothesis script
# reads the warehouse dbt build wrote
DONE_WITH = {step: (step,) for step in STEPS} | {
    "dbt-build": (),
    "hypotheses": ("dbt-build", "hypotheses"),
}


@dataclass(frozen=True)
class Measurement:
    """One step at one size: wall seconds, peak resident bytes, and the exit code the way
    subprocess gives it (negative: killed by that signal)."""

    seconds: float
    peak_rss_bytes: int
    returncode: int

    @property
    def succeeded(self) -> bool:
        return self.returncode == 0


@dataclass(frozen=True)
class NodeTiming:
    unique_id: str
    seconds: float
    status: str


@dataclass
class SizeResult:
    customers: int
    measurements: dict[str, Measurement] = field(default_factory=dict)
    # step -> why it did not run at this size
    not_run: dict[str, str] = field(default_factory=dict)
    slowest_nodes: list[NodeTiming] = field(default_factory=list)


@dataclass(frozen=True)
class Machine:
    cores: int
    memory_bytes: int
    load_average: float
    duckdb_version: str
    dbt_core_version: str
    dbt_duckdb_version: str
    date: str


# --- pure functions ---------------------------------------------------------------------------


def slowest_nodes(run_results: Mapping[str, Any], count: int = SLOWEST_NODES) -> list[NodeTiming]:
    """The `count` nodes of a dbt run_results.json that took longest, slowest first."""
    nodes = [
        NodeTiming(
            unique_id=str(result["unique_id"]),
            seconds=float(result["execution_time"]),
            status=str(result["status"]),
        )
        for result in run_results["results"]
    ]
    return sorted(nodes, key=lambda node: (-node.seconds, node.unique_id))[:count]


def memory_total_bytes(meminfo: str) -> int:
    """MemTotal from the text of /proc/meminfo (which counts KiB)."""
    for line in meminfo.splitlines():
        name, _, value = line.partition(":")
        if name == "MemTotal":
            return int(value.split()[0]) * 1024
    raise ValueError("no MemTotal line in /proc/meminfo")


def wall_ratio(numerator: Measurement | None, denominator: Measurement | None) -> float | None:
    """numerator's seconds over denominator's, or None unless both ran and succeeded."""
    if numerator is None or denominator is None:
        return None
    if not (numerator.succeeded and denominator.succeeded):
        return None
    return numerator.seconds / denominator.seconds


def failure_text(returncode: int) -> str:
    if returncode < 0:
        # SIGKILL (9) with no one to send it is almost always the kernel's out-of-memory killer
        return f"killed by signal {-returncode}"
    return f"exit {returncode}"


def step_cells(result: SizeResult, step: str) -> tuple[str, str]:
    """The wall-seconds and peak-GiB cells of one step at one size."""
    measurement = result.measurements.get(step)
    if measurement is None:
        return "not run", ""
    if not measurement.succeeded:
        return f"failed ({failure_text(measurement.returncode)})", ""
    return f"{measurement.seconds:,.1f}", f"{measurement.peak_rss_bytes / GIB:.2f}"


def format_ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def markdown_table(
    header: Sequence[str], rows: Sequence[Sequence[str]], text_columns: int = 1
) -> list[str]:
    """A Markdown table, the first `text_columns` columns aligned left and the figures right."""
    alignments = [":---"] * text_columns + ["---:"] * (len(header) - text_columns)
    return [
        "| " + " | ".join(header) + " |",
        "|" + "|".join(alignments) + "|",
        *("| " + " | ".join(row) + " |" for row in rows),
    ]


def ratio_rows(results: Sequence[SizeResult]) -> list[list[str]]:
    pairs = (
        ("dbt build ÷ DuckDB peer", "dbt-build", "duckdb-peer"),
        ("dbt run ÷ DuckDB peer", "dbt-run", "duckdb-peer"),
        ("dbt build ÷ pandas peer", "dbt-build", "pandas"),
    )
    return [
        [
            label,
            *(
                format_ratio(
                    wall_ratio(result.measurements.get(numerator), result.measurements.get(over))
                )
                for result in results
            ),
        ]
        for label, numerator, over in pairs
    ]


def growth_rows(results: Sequence[SizeResult]) -> list[list[str]]:
    """dbt build's wall time at each size over the size before it."""
    ordered = sorted(results, key=lambda result: result.customers)
    return [
        [
            f"build({larger.customers:,}) ÷ build({smaller.customers:,})",
            f"{larger.customers / smaller.customers:,.0f}",
            format_ratio(
                wall_ratio(
                    larger.measurements.get("dbt-build"), smaller.measurements.get("dbt-build")
                )
            ),
        ]
        for smaller, larger in itertools.pairwise(ordered)
    ]


def markdown_report(machine: Machine, results: Sequence[SizeResult]) -> str:
    """The benchmark's Markdown page: machine, per-step table, ratios, growth, slowest nodes."""
    ordered = sorted(results, key=lambda result: result.customers)
    lines = [
        "# Scale benchmark",
        "",
        "Written by `python -m scripts.benchmarks.scale_benchmark` (`make benchmark`) on "
        f"{machine.date}: {machine.cores} cores, {machine.memory_bytes / GIB:.1f} GiB memory, "
        f"load average {machine.load_average:.2f} at the start; DuckDB {machine.duckdb_version}, "
        f"dbt-core {machine.dbt_core_version}, dbt-duckdb {machine.dbt_duckdb_version}.",
        "",
        "Each step ran as a process of its own: wall seconds, and the peak resident memory of "
        "the process and the children it waited for (DuckDB runs inside dbt, so a dbt step's "
        "peak is the engine's). dbt build and dbt run start from a fresh warehouse file and a "
        "project dbt has parsed, untimed, beforehand (dbt run's seeds too); the main job starts "
        "cold and is dbt build, the hypothesis script, the report, the publication for Tableau "
        "and the docs site.",
        "",
    ]
    header = ["step"]
    for result in ordered:
        header += [f"{result.customers:,}: s", f"{result.customers:,}: peak GiB"]
    rows = []
    for step, label in STEPS.items():
        row = [label]
        for result in ordered:
            row += step_cells(result, step)
        rows.append(row)
    lines += markdown_table(header, rows)
    notes = sorted(
        {
            f"{STEPS[step]}: {reason}"
            for result in ordered
            for step, reason in result.not_run.items()
        }
    )
    if notes:
        lines += ["", "Not run:", "", *(f"- {note}" for note in notes)]
    lines += ["", "## Ratios of wall time", ""]
    lines += markdown_table(
        ["ratio", *(f"{result.customers:,}" for result in ordered)], ratio_rows(ordered)
    )
    growth = growth_rows(ordered)
    if growth:
        lines += ["", "## Growth of dbt build", ""]
        lines += markdown_table(["ratio", "customers ×", "wall time ×"], growth)
    for result in ordered:
        if not result.slowest_nodes:
            continue
        lines += ["", f"## Slowest nodes of dbt build, {result.customers:,} customers", ""]
        lines += markdown_table(
            ["node", "status", "seconds"],
            [
                [f"`{node.unique_id}`", node.status, f"{node.seconds:,.1f}"]
                for node in result.slowest_nodes
            ],
            text_columns=2,
        )
    return "\n".join(lines) + "\n"


# --- running the steps ------------------------------------------------------------------------


def measure_process(
    command: Sequence[str], log_path: Path, environment: Mapping[str, str] | None = None
) -> Measurement:
    """Run a command to its end, its output into log_path, and measure it.

    Linux credits a child with at least the resident size of the process it was forked from, so
    this one imports neither DuckDB nor pandas and stays near 20 MB, far below any step."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w", encoding="utf-8") as log:
        started = time.perf_counter()
        with subprocess.Popen(
            command,
            cwd=PROJECT_DIR,
            env=dict(environment or os.environ),
            stdout=log,
            stderr=subprocess.STDOUT,
        ) as process:
            # wait4 rather than wait: the rusage it returns is this child's own (with its reaped
            # children), where RUSAGE_CHILDREN would be the largest child of the whole run
            _, status, usage = os.wait4(process.pid, 0)
            seconds = time.perf_counter() - started
            process.returncode = os.waitstatus_to_exitcode(status)
    # Linux counts ru_maxrss in KiB
    return Measurement(seconds, usage.ru_maxrss * 1024, process.returncode)


def count_data_rows(path: Path) -> int:
    """Data lines of a generated customer file: the generator writes one line a row, no quoted
    line breaks."""
    lines = 0
    with path.open("rb") as handle:
        while block := handle.read(2**24):
            lines += block.count(b"\n")
    return lines - 1


def customer_file(customers: int, workdir: Path) -> Path:
    """The generated file of this size in the workdir, written unless one with as many rows is
    there already (10 million rows take about a minute)."""
    path = workdir / f"customers_{customers}.csv"
    if path.is_file() and count_data_rows(path) == customers:
        print(f"reusing {path}", flush=True)
        return path
    workdir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "scripts.generate_customers",
            "--rows",
            str(customers),
            "--output",
            str(path),
        ],
        check=True,
        cwd=PROJECT_DIR,
    )
    return path


def fresh_dir(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def discard_data_files(step_dir: Path) -> None:
    if not step_dir.is_dir():
        return
    for path in step_dir.rglob("*"):
        if path.is_file() and path.suffix in DATA_SUFFIXES:
            path.unlink()


@dataclass(frozen=True)
class SizeRun:
    """The paths one size's steps share."""

    customers_csv: Path
    size_dir: Path

    def step_dir(self, step: str) -> Path:
        return self.size_dir / step

    def warehouse(self, step: str) -> Warehouse:
        return Warehouse(self.customers_csv, self.step_dir(step) / "bank.duckdb")


def measure_dbt(run: SizeRun, step: str, arguments: Sequence[str]) -> Measurement:
    """One dbt command on a fresh warehouse, after an untimed `dbt parse` for a build (dbt
    run's untimed seed parses too), so both are timed with the project already parsed."""
    step_dir = fresh_dir(run.step_dir(step))
    warehouse = run.warehouse(step)
    prepare = ["seed"] if arguments[0] == "run" else ["parse"]
    prepared = run_dbt(prepare, warehouse, artifacts_dir=step_dir, capture_output=True)
    if prepared.returncode != 0:
        (step_dir / "prepare.log").write_text(prepared.stdout + prepared.stderr, encoding="utf-8")
        return Measurement(0.0, 0, prepared.returncode)
    return measure_process(
        dbt_command(arguments, artifacts_dir=step_dir),
        step_dir / "output.log",
        dbt_environment(warehouse, os.environ),
    )


def measure_dbt_build(run: SizeRun) -> Measurement:
    return measure_dbt(run, "dbt-build", ["build", "--exclude-resource-type", "unit_test"])


def measure_dbt_run(run: SizeRun) -> Measurement:
    return measure_dbt(run, "dbt-run", ["run"])


def measure_hypotheses(run: SizeRun) -> Measurement:
    step_dir = fresh_dir(run.step_dir("hypotheses"))
    return measure_process(
        [
            sys.executable,
            "-m",
            "scripts.hypotheses",
            "--database",
            str(run.warehouse("dbt-build").duckdb_path),
            "--reports-dir",
            str(step_dir / "reports"),
        ],
        step_dir / "output.log",
    )


def measure_main_job(run: SizeRun) -> Measurement:
    step_dir = fresh_dir(run.step_dir("main-job"))
    warehouse = run.warehouse("main-job")
    return measure_process(
        [
            sys.executable,
            "-m",
            "scripts.pipeline",
            "--dbt-artifacts-dir",
            str(step_dir),
            "--reports-dir",
            str(step_dir / "reports"),
            "--serving-dir",
            str(step_dir / "serving"),
        ],
        step_dir / "output.log",
        dbt_environment(warehouse, os.environ),
    )


def measure_peer(step: str, module: str, output_name: str) -> Callable[[SizeRun], Measurement]:
    def measure(run: SizeRun) -> Measurement:
        step_dir = fresh_dir(run.step_dir(step))
        return measure_process(
            [
                sys.executable,
                "-m",
                module,
                "--customers-csv",
                str(run.customers_csv),
                "--output",
                str(step_dir / output_name),
            ],
            step_dir / "output.log",
        )

    return measure


MEASURE: dict[str, Callable[[SizeRun], Measurement]] = {
    "dbt-build": measure_dbt_build,
    "hypotheses": measure_hypotheses,
    "dbt-run": measure_dbt_run,
    "main-job": measure_main_job,
    "duckdb-peer": measure_peer("duckdb-peer", DUCKDB_PEER_MODULE, "peer.duckdb"),
    "pandas": measure_peer("pandas", PANDAS_PEER_MODULE, "marts"),
}


def why_not_run(step: str, skip: set[str], result: SizeResult) -> str | None:
    if step in skip:
        return WHY_SKIPPED.get(step, "skipped on request (--skip)")
    build = result.measurements.get("dbt-build")
    if step == "hypotheses" and not (build and build.succeeded):
        return "needs the warehouse of a successful dbt build"
    return None


def measure_size(customers: int, workdir: Path, skip: set[str]) -> SizeResult:
    run = SizeRun(customer_file(customers, workdir), workdir / str(customers))
    result = SizeResult(customers)
    for step, label in STEPS.items():
        reason = why_not_run(step, skip, result)
        if reason:
            result.not_run[step] = reason
        else:
            measurement = MEASURE[step](run)
            result.measurements[step] = measurement
            outcome = (
                f"{measurement.seconds:,.1f} s, {measurement.peak_rss_bytes / GIB:.2f} GiB"
                if measurement.succeeded
                else f"FAILED ({failure_text(measurement.returncode)}); see {run.step_dir(step)}"
            )
            print(f"{customers:>13,} customers  {label:<18} {outcome}", flush=True)
        results_file = run.step_dir(step) / "target" / "run_results.json"
        if step == "dbt-build" and results_file.is_file():
            result.slowest_nodes = slowest_nodes(
                json.loads(results_file.read_text(encoding="utf-8"))
            )
        for finished in DONE_WITH[step]:
            discard_data_files(run.step_dir(finished))
    return result


def describe_machine() -> Machine:
    return Machine(
        cores=os.cpu_count() or 1,
        memory_bytes=memory_total_bytes(Path("/proc/meminfo").read_text(encoding="utf-8")),
        load_average=os.getloadavg()[0],
        duckdb_version=importlib.metadata.version("duckdb"),
        dbt_core_version=importlib.metadata.version("dbt-core"),
        dbt_duckdb_version=importlib.metadata.version("dbt-duckdb"),
        date=datetime.date.today().isoformat(),
    )


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=list(DEFAULT_SIZES),
        help="customer counts (default: 10,000, 1 million and 10 million)",
    )
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR, help="scratch folder")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="Markdown table")
    parser.add_argument(
        "--skip", nargs="+", choices=list(STEPS), default=[], metavar="STEP", help="steps to skip"
    )
    parser.add_argument(
        "--lock-file",
        type=Path,
        default=DEFAULT_LOCK_FILE,
        help="held for the whole run, so that heavy jobs never overlap",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    skip = set(arguments.skip)
    # fail now rather than after an hour of builds
    if "duckdb-peer" not in skip and importlib.util.find_spec(DUCKDB_PEER_MODULE) is None:
        print(f"error: {DUCKDB_PEER_MODULE} is missing (or pass --skip duckdb-peer)")
        return 2
    print(f"waiting for {arguments.lock_file} if another heavy job holds it", flush=True)
    with exclusive_lock(arguments.lock_file, timeout_seconds=float("inf")):
        machine = describe_machine()
        results = [
            measure_size(size, arguments.workdir, skip) for size in sorted(set(arguments.sizes))
        ]
    report = markdown_report(machine, results)
    arguments.output.write_text(report, encoding="utf-8")
    print(report)
    failed = any(not m.succeeded for result in results for m in result.measurements.values())
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
