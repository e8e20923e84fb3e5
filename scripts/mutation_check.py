"""Apply each deliberate bug of the catalogue to a scratch copy of the project and run its checks.

Usage: python -m scripts.mutation_check [--catalogue PATH] [--only ID ...] [--list]

A mutation is caught when its checks fail (pytest exit 1) with the bug in place. The checks first
run once on the unmutated copy and must pass there, so a broken environment cannot pass for a
caught bug. Every run is on the bundled sample: the real file is not needed. Exits 0 when every
mutation is caught, 1 when one survives, 2 when the catalogue no longer fits the code.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from scripts.warehouse import PROJECT_DIR

DEFAULT_CATALOGUE = PROJECT_DIR / "scripts" / "tests" / "mutations.yml"
# what a copy of the project leaves behind: environments, caches, builds and their outputs
NOT_COPIED = shutil.ignore_patterns(
    ".git",
    ".venv",
    "target",
    "logs",
    "reports",
    "dbt_packages",
    "__pycache__",
    ".*_cache",
    "*.duckdb",
    "*.duckdb.wal",
    "serving",
)
# variables that would point the checks away from the copy's own sample and warehouse
CLEARED_VARIABLES = ("BANK_REAL_CUSTOMERS_CSV", "BANK_CUSTOMERS_CSV", "BANK_DUCKDB_PATH")
PYTEST_TESTS_FAILED = 1


class CatalogueError(RuntimeError):
    """The catalogue is malformed, or a mutation no longer applies to the code."""


@dataclass(frozen=True)
class Mutation:
    id: str
    target: str
    bug: str
    file: str
    find: str
    replace: str
    checks: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    mutation: Mutation
    exit_code: int
    seconds: float

    @property
    def caught(self) -> bool:
        return self.exit_code == PYTEST_TESTS_FAILED


def load_catalogue(path: Path) -> list[Mutation]:
    entries = yaml.safe_load(path.read_text(encoding="utf-8")).get("mutations") or []
    mutations = []
    for entry in entries:
        missing = [
            field
            for field in ("id", "target", "bug", "file", "find", "replace", "checks")
            if not entry.get(field)
        ]
        if missing:
            raise CatalogueError(f"mutation {entry.get('id', '?')}: missing {', '.join(missing)}")
        mutations.append(
            Mutation(
                id=str(entry["id"]),
                target=str(entry["target"]),
                bug=str(entry["bug"]),
                file=str(entry["file"]),
                find=str(entry["find"]),
                replace=str(entry["replace"]),
                checks=tuple(str(check) for check in entry["checks"]),
            )
        )
    ids = [mutation.id for mutation in mutations]
    if len(set(ids)) != len(ids):
        raise CatalogueError("mutation ids must be unique")
    return mutations


def mutated_text(mutation: Mutation, original: str) -> str:
    """The file's text with the bug in; the text to replace must be there exactly once."""
    occurrences = original.count(mutation.find)
    if occurrences != 1:
        raise CatalogueError(
            f"mutation {mutation.id}: the text to replace occurs {occurrences} times in "
            f"{mutation.file}, not once; update the catalogue to the code"
        )
    return original.replace(mutation.find, mutation.replace)


def check_environment(environ: Mapping[str, str]) -> dict[str, str]:
    return {
        **{name: value for name, value in environ.items() if name not in CLEARED_VARIABLES},
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
    }


def run_checks(copy: Path, checks: Sequence[str]) -> int:
    """pytest on the copy's own code, stopping at the first failure."""
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *checks]
    completed = subprocess.run(
        command,
        cwd=copy,
        env=check_environment(os.environ),
        capture_output=True,
        text=True,
        check=False,
    )
    return completed.returncode


def run_catalogue(
    mutations: Sequence[Mutation],
    project: Path = PROJECT_DIR,
    run: Callable[[Path, Sequence[str]], int] = run_checks,
    on_outcome: Callable[[Outcome], None] = lambda outcome: None,
) -> list[Outcome]:
    """Each mutation alone in one scratch copy, restored after its run."""
    with tempfile.TemporaryDirectory(prefix="bank-mutations-") as scratch:
        copy = Path(scratch) / "project"
        shutil.copytree(project, copy, ignore=NOT_COPIED)
        originals = {m.file: (copy / m.file).read_text(encoding="utf-8") for m in mutations}
        texts = {m.id: mutated_text(m, originals[m.file]) for m in mutations}
        every_check = list(dict.fromkeys(check for m in mutations for check in m.checks))
        baseline = run(copy, every_check)
        if baseline != 0:
            raise CatalogueError(
                f"the checks fail (exit {baseline}) on the unmutated copy; fix them first"
            )
        outcomes = []
        for mutation in mutations:
            target = copy / mutation.file
            target.write_text(texts[mutation.id], encoding="utf-8")
            started = time.monotonic()
            try:
                exit_code = run(copy, mutation.checks)
            finally:
                target.write_text(originals[mutation.file], encoding="utf-8")
            outcomes.append(Outcome(mutation, exit_code, time.monotonic() - started))
            on_outcome(outcomes[-1])
        return outcomes


def outcome_table(outcomes: Sequence[Outcome]) -> str:
    lines = ["| mutation | changes | caught | seconds |", "|---|---|---|---|"]
    for outcome in outcomes:
        verdict = "yes" if outcome.caught else f"NO (pytest exit {outcome.exit_code})"
        lines.append(
            f"| {outcome.mutation.id} | {outcome.mutation.target} | {verdict} "
            f"| {outcome.seconds:.0f} |"
        )
    caught = sum(outcome.caught for outcome in outcomes)
    lines.append(f"\n{caught} of {len(outcomes)} mutations caught")
    return "\n".join(lines)


def print_progress(outcome: Outcome) -> None:
    caught = "caught" if outcome.caught else "SURVIVED"
    print(f"{outcome.mutation.id}: {caught} ({outcome.seconds:.0f} s)", file=sys.stderr, flush=True)


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Check that the test suite catches each deliberate bug of the catalogue."
    )
    parser.add_argument("--catalogue", type=Path, default=DEFAULT_CATALOGUE, help="mutations YAML")
    parser.add_argument("--only", nargs="+", metavar="ID", help="run only these mutations")
    parser.add_argument("--list", action="store_true", help="list the mutations and stop")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    try:
        mutations = load_catalogue(arguments.catalogue)
        if arguments.only:
            unknown = sorted(set(arguments.only) - {mutation.id for mutation in mutations})
            if unknown:
                raise CatalogueError(f"no mutation with id {', '.join(unknown)}")
            mutations = [mutation for mutation in mutations if mutation.id in arguments.only]
        if arguments.list:
            for mutation in mutations:
                print(f"{mutation.id} ({mutation.target}): {mutation.bug}")
            return 0
        outcomes = run_catalogue(mutations, on_outcome=print_progress)
    except CatalogueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(outcome_table(outcomes))
    return 0 if all(outcome.caught for outcome in outcomes) else 1


if __name__ == "__main__":
    raise SystemExit(main())
