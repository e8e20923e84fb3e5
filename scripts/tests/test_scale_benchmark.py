"""The scale benchmark's bookkeeping: run_results parsing, ratios, the Markdown page, and the
measurement of one child process. Fast; no dbt."""

from __future__ import annotations

import resource
import sys
from pathlib import Path

import pytest

from scripts.benchmarks import scale_benchmark as benchmark
from scripts.benchmarks.scale_benchmark import Machine, Measurement, NodeTiming, SizeResult

MACHINE = Machine(
    cores=2,
    memory_bytes=24 * benchmark.GIB,
    load_average=0.5,
    duckdb_version="1.5.6",
    dbt_core_version="1.11.16",
    dbt_duckdb_version="1.11.1",
    date="2026-12-01",
)


def ok(seconds: float, gib: float = 1.0) -> Measurement:
    return Measurement(seconds=seconds, peak_rss_bytes=int(gib * benchmark.GIB), returncode=0)


def test_slowest_nodes_are_the_longest_first_ties_by_name() -> None:
    run_results = {
        "results": [
            {"unique_id": f"model.bank_churn.m{index}", "execution_time": seconds, "status": "ok"}
            for index, seconds in enumerate([1.0, 5.0, 3.0, 5.0, 0.5])
        ]
    }
    slowest = benchmark.slowest_nodes(run_results, count=3)
    assert slowest == [
        NodeTiming("model.bank_churn.m1", 5.0, "ok"),
        NodeTiming("model.bank_churn.m3", 5.0, "ok"),
        NodeTiming("model.bank_churn.m2", 3.0, "ok"),
    ]


def test_memory_total_is_read_from_meminfo_in_kib() -> None:
    meminfo = "MemTotal:       24731184 kB\nMemFree:         1000 kB\n"
    assert benchmark.memory_total_bytes(meminfo) == 24731184 * 1024
    with pytest.raises(ValueError, match="MemTotal"):
        benchmark.memory_total_bytes("MemFree: 1 kB\n")


def test_a_ratio_needs_both_steps_to_have_succeeded() -> None:
    failed = Measurement(seconds=3.0, peak_rss_bytes=0, returncode=1)
    assert benchmark.wall_ratio(ok(6.0), ok(2.0)) == 3.0
    assert benchmark.wall_ratio(ok(6.0), None) is None
    assert benchmark.wall_ratio(None, ok(2.0)) is None
    assert benchmark.wall_ratio(ok(6.0), failed) is None


def test_cells_say_when_a_step_failed_or_did_not_run() -> None:
    result = SizeResult(
        customers=10,
        measurements={
            "dbt-build": ok(12.345, gib=0.5),
            "pandas": Measurement(seconds=99.0, peak_rss_bytes=0, returncode=-9),
            "main-job": Measurement(seconds=1.0, peak_rss_bytes=0, returncode=2),
        },
    )
    assert benchmark.step_cells(result, "dbt-build") == ("12.3", "0.50")
    assert benchmark.step_cells(result, "pandas") == ("failed (killed by signal 9)", "")
    assert benchmark.step_cells(result, "main-job") == ("failed (exit 2)", "")
    assert benchmark.step_cells(result, "dbt-run") == ("not run", "")


def test_growth_compares_each_size_with_the_one_before() -> None:
    results = [
        SizeResult(1_000_000, {"dbt-build": ok(60.0)}),
        SizeResult(10_000, {"dbt-build": ok(20.0)}),
        SizeResult(10_000_000, {"dbt-build": ok(600.0)}),
    ]
    assert benchmark.growth_rows(results) == [
        ["build(1,000,000) ÷ build(10,000)", "100", "3.00"],
        ["build(10,000,000) ÷ build(1,000,000)", "10", "10.00"],
    ]
    assert benchmark.growth_rows(results[:1]) == []


def table_rows(page: str, first_cell: str) -> list[list[str]]:
    return [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in page.splitlines()
        if line.startswith(f"| {first_cell}")
    ]


def test_report_lists_machine_steps_ratios_and_slowest_nodes() -> None:
    small = SizeResult(
        10_000,
        {
            "dbt-build": ok(30.0, gib=0.25),
            "hypotheses": ok(3.0),
            "dbt-run": ok(20.0),
            "duckdb-peer": ok(10.0),
            "pandas": ok(6.0),
        },
        not_run={"main-job": "skipped on request (--skip)"},
        slowest_nodes=[NodeTiming("model.bank_churn.int_churn_segment_sets", 4.25, "success")],
    )
    large = SizeResult(
        1_000_000,
        {"dbt-build": ok(90.0, gib=2.0), "dbt-run": ok(60.0), "duckdb-peer": ok(30.0)},
        not_run={"pandas": benchmark.WHY_SKIPPED["pandas"], "hypotheses": "skipped"},
    )
    page = benchmark.markdown_report(MACHINE, [large, small])

    assert "on 2026-12-01: 2 cores, 24.0 GiB memory" in page
    assert "DuckDB 1.5.6, dbt-core 1.11.16, dbt-duckdb 1.11.1" in page
    header = table_rows(page, "step")[0]
    assert header == [
        "step",
        "10,000: s",
        "10,000: peak GiB",
        "1,000,000: s",
        "1,000,000: peak GiB",
    ]
    assert table_rows(page, "dbt build |") == [["dbt build", "30.0", "0.25", "90.0", "2.00"]]
    assert table_rows(page, "pandas peer") == [["pandas peer", "6.0", "1.00", "not run", ""]]
    assert f"- pandas peer: {benchmark.WHY_SKIPPED['pandas']}" in page
    assert "- main job: skipped on request (--skip)" in page
    assert table_rows(page, "dbt build ÷ DuckDB peer") == [
        ["dbt build ÷ DuckDB peer", "3.00", "3.00"]
    ]
    assert table_rows(page, "dbt run ÷ DuckDB peer") == [["dbt run ÷ DuckDB peer", "2.00", "2.00"]]
    assert table_rows(page, "dbt build ÷ pandas peer") == [["dbt build ÷ pandas peer", "5.00", ""]]
    assert table_rows(page, "build(") == [["build(1,000,000) ÷ build(10,000)", "100", "3.00"]]
    assert "## Slowest nodes of dbt build, 10,000 customers" in page
    assert "## Slowest nodes of dbt build, 1,000,000 customers" not in page
    assert "| `model.bank_churn.int_churn_segment_sets` | success | 4.2 |" in page
    # every row of a table has as many cells as its header
    for block in page.split("\n\n"):
        rows = [line for line in block.splitlines() if line.startswith("|")]
        assert len({line.count("|") for line in rows}) <= 1, block


def test_the_hypothesis_script_keeps_the_build_warehouse_until_it_is_done() -> None:
    discarded_after = {
        step: position
        for position, finished in enumerate(benchmark.STEPS)
        for step in benchmark.DONE_WITH[finished]
    }
    assert set(discarded_after) == set(benchmark.STEPS)
    steps = list(benchmark.STEPS)
    assert discarded_after["dbt-build"] == steps.index("hypotheses")


def test_data_rows_are_the_lines_after_the_header(tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_text("USERID,score\n1,850\n2,900\n", encoding="utf-8")
    assert benchmark.count_data_rows(path) == 2


def test_peak_memory_is_the_measured_childs_own(tmp_path: Path) -> None:
    # A child is credited with at least the resident size of the process that forked it (this
    # pytest session, large late in a full run), so the block is that much larger again.
    forker_bytes = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    block_bytes = forker_bytes + 600 * 2**20
    # multiplying writes every byte, so every page of the block is resident
    allocate = [sys.executable, "-c", f"block = b'x' * {block_bytes}"]
    large = benchmark.measure_process(allocate, tmp_path / "large.log")
    small = benchmark.measure_process([sys.executable, "-c", "pass"], tmp_path / "small.log")
    assert large.succeeded
    assert small.succeeded
    assert large.peak_rss_bytes > block_bytes
    # the later, smaller child is not credited with the earlier one's peak
    assert small.peak_rss_bytes < large.peak_rss_bytes - 300 * 2**20
    failed = benchmark.measure_process([sys.executable, "-c", "exit(3)"], tmp_path / "failed.log")
    assert failed.returncode == 3


def test_the_hundred_million_run_parses(tmp_path: Path) -> None:
    arguments = benchmark.parse_arguments(
        ["--sizes", "100000000", "--skip", "pandas", "main-job", "--workdir", str(tmp_path)]
    )
    assert arguments.sizes == [100_000_000]
    assert arguments.skip == ["pandas", "main-job"]
    with pytest.raises(SystemExit):
        benchmark.parse_arguments(["--skip", "no-such-step"])


def test_a_missing_duckdb_peer_stops_the_run_before_it_starts(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(benchmark.importlib.util, "find_spec", lambda name: None)
    output = tmp_path / "table.md"
    assert benchmark.main(["--output", str(output), "--lock-file", str(tmp_path / "lock")]) == 2
    assert not output.exists()
