"""The docs site: one offline file that describes every model, column, source, seed, macro and
exposure, with lineage from the raw file to every consumer."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from scripts.hypothesis_reports import RESULT_COLUMNS
from scripts.publish import tableau_marts
from scripts.report.figures import REQUIRED_TABLES
from scripts.warehouse import Warehouse, run_dbt


@pytest.fixture(scope="session")
def docs_artifacts(analysed_sample_warehouse: Warehouse) -> tuple[dict[str, Any], dict[str, Any]]:
    # the analysed warehouse holds the hypothesis results, so the catalog describes them too
    workdir = analysed_sample_warehouse.duckdb_path.parent
    result = run_dbt(
        ["docs", "generate", "--static"],
        analysed_sample_warehouse,
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
        for parent in parents:
            if parent.startswith("source."):
                assert parent in manifest["sources"], parent
            else:
                assert manifest["nodes"][parent]["config"]["materialized"] == "table", parent


def exposure_reads(manifest: dict[str, Any], exposure: dict[str, Any]) -> set[str]:
    return {
        (manifest["sources"].get(parent) or manifest["nodes"][parent])["name"]
        for parent in exposure["depends_on"]["nodes"]
    }


def test_exposures_declare_what_the_report_and_tableau_really_read(
    docs_artifacts: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    manifest, catalog = docs_artifacts
    exposures = {exposure["name"]: exposure for exposure in manifest["exposures"].values()}
    assert exposure_reads(manifest, exposures["analysis_report"]) == set(REQUIRED_TABLES)
    dashboards = [exposure for exposure in exposures.values() if exposure["type"] == "dashboard"]
    read_by_tableau = set().union(*(exposure_reads(manifest, e) for e in dashboards))
    warehouse_tables = [node["metadata"]["name"] for node in catalog["nodes"].values()] + [
        source["metadata"]["name"] for source in catalog["sources"].values()
    ]
    assert read_by_tableau == set(tableau_marts(warehouse_tables))


def test_lineage_runs_from_the_raw_file_to_every_consumer(
    docs_artifacts: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    manifest, _ = docs_artifacts
    parents = manifest["parent_map"]
    raw_file = "source.bank_churn.bank.customers"

    def ancestors(unique_id: str) -> set[str]:
        found: set[str] = set()
        pending = [unique_id]
        while pending:
            for parent in parents.get(pending.pop(), []):
                if parent not in found:
                    found.add(parent)
                    pending.append(parent)
        return found

    for exposure in manifest["exposures"]:
        assert raw_file in ancestors(exposure), exposure
    marts = [
        node
        for node in project_nodes(manifest, "model")
        if node["original_file_path"].startswith("models/marts/")
    ]
    # the quarantine holds raw text for the engineers who fix the file; it is not published
    unread = [
        node["name"]
        for node in marts
        if node["name"] != "fct_rejected_rows"
        and not any(
            child.startswith("exposure.") for child in manifest["child_map"][node["unique_id"]]
        )
    ]
    assert not unread, f"marts no exposure reads: {unread}"


def test_hypothesis_results_source_describes_every_column_the_script_writes(
    docs_artifacts: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    manifest, catalog = docs_artifacts
    unique_id = "source.bank_churn.hypothesis_script.rpt_hypothesis_results"
    assert list(manifest["sources"][unique_id]["columns"]) == RESULT_COLUMNS
    assert [name.lower() for name in catalog["sources"][unique_id]["columns"]] == RESULT_COLUMNS


def test_static_site_is_one_file_that_needs_no_network(
    docs_artifacts: tuple[dict[str, Any], dict[str, Any]], analysed_sample_warehouse: Warehouse
) -> None:
    page = (
        analysed_sample_warehouse.duckdb_path.parent / "target" / "static_index.html"
    ).read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=[\"']?https?:", page, re.IGNORECASE)
    assert not re.search(r"<link[^>]+stylesheet[^>]+href=[\"']?https?:", page, re.IGNORECASE)
    assert not re.search(r"@import\s+(url\()?[\"']?https?:", page, re.IGNORECASE)
    # the manifest and catalog are inside the page, not fetched beside it
    assert '"exposure.bank_churn.analysis_report"' in page
