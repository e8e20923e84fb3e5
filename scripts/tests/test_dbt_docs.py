"""The docs site describes everything: each model, column, source, seed and macro."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scripts.warehouse import Warehouse, run_dbt


@pytest.fixture(scope="session")
def docs_artifacts(sample_warehouse: Warehouse) -> tuple[dict[str, Any], dict[str, Any]]:
    workdir = sample_warehouse.duckdb_path.parent
    result = run_dbt(
        ["docs", "generate", "--static"],
        sample_warehouse,
        artifacts_dir=workdir,
        capture_output=True,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    target = workdir / "target"
    assert (target / "static_index.html").is_file()
    manifest = json.loads(Path(target / "manifest.json").read_text())
    catalog = json.loads(Path(target / "catalog.json").read_text())
    return manifest, catalog


def project_nodes(manifest: dict[str, Any], resource_type: str) -> list[dict[str, Any]]:
    return [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == resource_type and node["package_name"] == "bank_churn"
    ]


@pytest.mark.parametrize("resource_type", ["model", "seed"])
def test_every_model_and_seed_and_each_of_its_built_columns_is_described(
    docs_artifacts: tuple[dict[str, Any], dict[str, Any]], resource_type: str
) -> None:
    manifest, catalog = docs_artifacts
    nodes = project_nodes(manifest, resource_type)
    assert nodes
    for node in nodes:
        assert node["description"].strip(), node["unique_id"]
        built_columns = catalog["nodes"][node["unique_id"]]["columns"]
        described = {
            name.lower()
            for name, column in node["columns"].items()
            if column["description"].strip()
        }
        undescribed = sorted(set(name.lower() for name in built_columns) - described)
        assert not undescribed, f"{node['unique_id']}: {undescribed}"


def test_every_source_table_column_and_macro_is_described(
    docs_artifacts: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    manifest, _ = docs_artifacts
    for source in manifest["sources"].values():
        assert source["description"].strip()
        assert source["source_description"].strip()
        assert all(column["description"].strip() for column in source["columns"].values())
    macros = [
        macro for macro in manifest["macros"].values() if macro["package_name"] == "bank_churn"
    ]
    assert macros
    undescribed = [macro["name"] for macro in macros if not macro["description"].strip()]
    assert not undescribed


def test_every_exposure_is_described_owned_and_reads_marts(
    docs_artifacts: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    manifest, _ = docs_artifacts
    exposures = list(manifest["exposures"].values())
    assert exposures
    for exposure in exposures:
        assert exposure["description"].strip(), exposure["name"]
        assert exposure["owner"]["name"], exposure["name"]
        parents = exposure["depends_on"]["nodes"]
        assert parents, exposure["name"]
        assert all(
            manifest["nodes"][parent]["config"]["materialized"] == "table" for parent in parents
        )
