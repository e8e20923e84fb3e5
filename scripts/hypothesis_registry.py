"""The hypothesis registry: read the YAML, check every entry, name the bad field by id."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from scripts.hypothesis_stats import ALTERNATIVES

KINDS = ("compare_values", "compare_rates", "rates_across_levels")
DEFAULT_REGISTRY = Path(__file__).resolve().parent / "hypotheses.yml"


class RegistryError(ValueError):
    """A registry entry is unusable; the message names the hypothesis and the field."""


@dataclass(frozen=True)
class Group:
    label: str
    filter: str
    label_ru: str | None = None


@dataclass(frozen=True)
class Hypothesis:
    id: str
    question: str
    kind: str
    mart: str
    metric: str
    alternative: str
    alpha: float
    where: str | None = None
    groups: tuple[Group, ...] = ()
    by: str | None = None
    question_ru: str | None = None


def parse_registry(document: dict[str, Any]) -> list[Hypothesis]:
    """Turn the parsed YAML into hypotheses, refusing any entry that could not run."""
    default_alpha = (document.get("defaults") or {}).get("alpha", 0.05)
    entries = document.get("hypotheses")
    if not isinstance(entries, list) or not entries:
        raise RegistryError("the registry has no `hypotheses` list")
    hypotheses = [_parse_entry(entry, default_alpha) for entry in entries]
    ids = [hypothesis.id for hypothesis in hypotheses]
    duplicated = sorted({identifier for identifier in ids if ids.count(identifier) > 1})
    if duplicated:
        raise RegistryError(f"hypothesis ids must be unique: {', '.join(duplicated)}")
    return hypotheses


def load_registry(path: Path) -> list[Hypothesis]:
    with path.open(encoding="utf-8") as handle:
        return parse_registry(yaml.safe_load(handle) or {})


def _parse_entry(entry: Any, default_alpha: float) -> Hypothesis:
    if not isinstance(entry, dict):
        raise RegistryError(f"every hypothesis must be a mapping, got {entry!r}")
    identifier = str(entry.get("id") or "").strip()
    if not identifier:
        raise RegistryError(f"a hypothesis has no `id`: {entry!r}")

    def field(name: str) -> str:
        value = entry.get(name)
        if not isinstance(value, str) or not value.strip():
            raise RegistryError(f"hypothesis {identifier}: `{name}` is missing or empty")
        return value.strip()

    question = " ".join(field("question").split())
    question_ru = _optional_text(entry.get("question_ru"))
    kind = field("kind")
    if kind not in KINDS:
        raise RegistryError(f"hypothesis {identifier}: `kind` must be one of {', '.join(KINDS)}")
    alternative = field("alternative")
    if alternative not in ALTERNATIVES:
        raise RegistryError(
            f"hypothesis {identifier}: `alternative` must be one of {', '.join(ALTERNATIVES)}"
        )
    alpha = entry.get("alpha", default_alpha)
    if not isinstance(alpha, int | float) or not 0 < alpha < 1:
        raise RegistryError(f"hypothesis {identifier}: `alpha` must be a number between 0 and 1")
    where = entry.get("where")
    groups: tuple[Group, ...] = ()
    by = None
    if kind == "rates_across_levels":
        by = field("by")
        if alternative != "two-sided":
            raise RegistryError(
                f"hypothesis {identifier}: `alternative` must be two-sided across levels"
            )
    else:
        groups = _parse_groups(identifier, entry.get("groups"))
    return Hypothesis(
        id=identifier,
        question=question,
        kind=kind,
        mart=field("mart"),
        metric=field("metric"),
        alternative=alternative,
        alpha=float(alpha),
        where=str(where) if where else None,
        groups=groups,
        by=by,
        question_ru=question_ru,
    )


def _optional_text(value: Any) -> str | None:
    """A translation is optional; reports fall back to the English text without one."""
    return " ".join(str(value).split()) if value else None


def _parse_groups(identifier: str, groups: Any) -> tuple[Group, ...]:
    if not isinstance(groups, list) or len(groups) != 2:
        raise RegistryError(f"hypothesis {identifier}: `groups` must list exactly two groups")
    parsed = []
    for group in groups:
        if not isinstance(group, dict) or not group.get("label") or not group.get("filter"):
            raise RegistryError(
                f"hypothesis {identifier}: `groups` entries need a `label` and a `filter`"
            )
        parsed.append(
            Group(
                label=str(group["label"]),
                filter=str(group["filter"]),
                label_ru=_optional_text(group.get("label_ru")),
            )
        )
    return tuple(parsed)
