"""Benchmark: wall time and peak memory of the hypothesis script at 10 thousand and 10 million
customers. Not a test: run it by hand (`make benchmark`) and commit the table it writes.

For each size it generates the customers, builds dim_customers with dbt, then runs the script in
a child process and reads the child's peak resident memory from the operating system.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from scripts.warehouse import PROJECT_DIR, Warehouse, run_dbt

DEFAULT_SIZES = (10_000, 10_000_000)
DEFAULT_OUTPUT = PROJECT_DIR / "scripts" / "benchmarks" / "hypotheses_benchmark.md"


@dataclass(frozen=True)
class Measurement:
    customers: int
    build_seconds: float
    script_seconds: float
    python_peak_mib: float
    resident_peak_mib: float


# Runs the script in a fresh interpreter that reports its own peak (Linux counts KiB), so the
# figure is the script's alone and not the generator's or dbt's.
CHILD = """
import resource, sys, tracemalloc
from scripts import hypotheses
tracemalloc.start()
code = hypotheses.main(["--database", sys.argv[1], "--reports-dir", sys.argv[2]])
print(tracemalloc.get_traced_memory()[1], resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
sys.exit(code)
"""


def measure_script(database: Path, reports_dir: Path) -> tuple[float, float, float]:
    """Wall seconds, peak Python-heap MiB and peak resident MiB (DuckDB's native memory
    included) of one run of the hypothesis script."""
    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(database), str(reports_dir)],
        check=True,
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    python_peak_bytes, resident_peak_kib = child.stdout.strip().splitlines()[-1].split()
    return elapsed, int(python_peak_bytes) / 2**20, int(resident_peak_kib) / 1024


def measure(customers: int, workdir: Path) -> Measurement:
    workdir.mkdir(parents=True, exist_ok=True)
    warehouse = Warehouse(workdir / "customers.csv", workdir / "bank.duckdb")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "scripts.generate_customers",
            "--rows",
            str(customers),
            "--output",
            str(warehouse.customers_csv),
        ],
        check=True,
        cwd=PROJECT_DIR,
    )
    started = time.perf_counter()
    for command in (["seed"], ["run", "--select", "+dim_customers"]):
        if run_dbt(command, warehouse, artifacts_dir=workdir).returncode != 0:
            raise RuntimeError(f"dbt {command[0]} failed for {customers} customers")
    build_seconds = time.perf_counter() - started
    seconds, python_peak, resident_peak = measure_script(warehouse.duckdb_path, workdir / "reports")
    return Measurement(customers, build_seconds, seconds, python_peak, resident_peak)


def markdown_table(measurements: list[Measurement]) -> str:
    lines = [
        "# Hypothesis script benchmark",
        "",
        "Written by `scripts/benchmarks/hypotheses_benchmark.py` on a 2-core, 24 GiB machine.",
        "Python heap: the peak of what the script itself holds (tracemalloc), the part that",
        "would grow if customers crossed into Python. Resident: the whole process, DuckDB's",
        "in-process sorts and hash tables for the rank sums and medians included.",
        "",
        "| customers | dbt build of dim_customers (s) | hypothesis script (s) "
        "| Python heap peak (MiB) | resident peak (MiB) |",
        "|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {m.customers:,} | {m.build_seconds:.1f} | {m.script_seconds:.1f} "
        f"| {m.python_peak_mib:.1f} | {m.resident_peak_mib:.0f} |"
        for m in measurements
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/bank_benchmark"))
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    arguments = parser.parse_args(argv)
    measurements = [
        measure(size, arguments.workdir / str(size)) for size in sorted(arguments.sizes)
    ]
    arguments.output.write_text(markdown_table(measurements), encoding="utf-8")
    print(markdown_table(measurements))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
