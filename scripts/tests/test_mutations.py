"""The mutation check: the catalogue fits the code, the runner judges right, every bug is caught."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from scripts import mutation_check
from scripts.mutation_check import (
    DEFAULT_CATALOGUE,
    CatalogueError,
    Mutation,
    load_catalogue,
    mutated_text,
    run_catalogue,
)
from scripts.publish import NAMED_MARTS
from scripts.report.figures import REQUIRED_TABLES
from scripts.warehouse import PROJECT_DIR

# the marts Tableau reads: everything the report reads, and the risk list
PUBLISHED = set(REQUIRED_TABLES) | NAMED_MARTS


def test_catalogue_covers_every_published_mart_and_fits_the_code() -> None:
    mutations = load_catalogue(DEFAULT_CATALOGUE)
    assert len(mutations) >= 10
    assert PUBLISHED | {"report"} <= {mutation.target for mutation in mutations}
    for mutation in mutations:
        original = (PROJECT_DIR / mutation.file).read_text(encoding="utf-8")
        assert mutated_text(mutation, original) != original, mutation.id
        for check in mutation.checks:
            test_file = check.split("::")[0]
            assert (PROJECT_DIR / test_file).is_file(), f"{mutation.id}: {check}"


def test_every_check_of_the_catalogue_names_a_test_that_exists() -> None:
    # a renamed test or parameter would otherwise make its mutation count as not caught (exit 4)
    checks = sorted(
        {check for entry in load_catalogue(DEFAULT_CATALOGUE) for check in entry.checks}
    )
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *checks],
        cwd=PROJECT_DIR,
        # the environment the runner gives the checks: a real-file variable would otherwise
        # fail a session that, collecting only, runs none of the real-file tests
        env=mutation_check.check_environment(os.environ),
        capture_output=True,
        text=True,
        check=False,
    )
    assert collected.returncode == 0, collected.stdout[-2000:] + collected.stderr[-2000:]


def mutation(find: str = "one", checks: tuple[str, ...] = ("check",)) -> Mutation:
    return Mutation(
        id="m", target="t", bug="b", file="code.txt", find=find, replace="two", checks=checks
    )


@pytest.mark.parametrize(("text", "count"), [("nothing", 0), ("one and one", 2)])
def test_a_mutation_that_no_longer_fits_names_itself(text: str, count: int) -> None:
    with pytest.raises(CatalogueError, match=f"m: the text to replace occurs {count} times"):
        mutated_text(mutation(), text)


def fake_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    (project / "code.txt").write_text("one\n", encoding="utf-8")
    (project / ".venv").mkdir()
    return project


def test_caught_means_the_checks_fail_with_the_bug_and_pass_without(tmp_path: Path) -> None:
    seen: list[tuple[str, tuple[str, ...]]] = []

    def run(copy: Path, checks: Sequence[str]) -> int:
        text = (copy / "code.txt").read_text(encoding="utf-8")
        seen.append((text, tuple(checks)))
        assert not (copy / ".venv").exists()
        return 1 if "two" in text else 0

    project = fake_project(tmp_path)
    outcomes = run_catalogue([mutation()], project, run)
    assert [outcome.caught for outcome in outcomes] == [True]
    # the unmutated baseline first, then the mutation; the project itself is never touched
    assert seen == [("one\n", ("check",)), ("two\n", ("check",))]
    assert (project / "code.txt").read_text(encoding="utf-8") == "one\n"


@pytest.mark.parametrize(("exit_code", "caught"), [(0, False), (1, True), (2, False), (4, False)])
def test_only_failing_tests_catch_a_mutation(tmp_path: Path, exit_code: int, caught: bool) -> None:
    def run(copy: Path, checks: Sequence[str]) -> int:
        return exit_code if "two" in (copy / "code.txt").read_text(encoding="utf-8") else 0

    (outcome,) = run_catalogue([mutation()], fake_project(tmp_path), run)
    assert outcome.caught is caught


def test_checks_failing_without_the_bug_stop_the_run(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match=r"fail .* on the unmutated copy"):
        run_catalogue([mutation()], fake_project(tmp_path), lambda copy, checks: 1)


def test_unknown_id_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert mutation_check.main(["--only", "no-such-mutation"]) == 2
    assert "no-such-mutation" in capsys.readouterr().err


@pytest.mark.mutation
def test_every_mutation_is_caught() -> None:
    outcomes = run_catalogue(load_catalogue(DEFAULT_CATALOGUE))
    survivors = [outcome.mutation.id for outcome in outcomes if not outcome.caught]
    assert not survivors, mutation_check.outcome_table(outcomes)
