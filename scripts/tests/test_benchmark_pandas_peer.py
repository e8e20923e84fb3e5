"""The pandas peer of the scale benchmark publishes the same marts as the dbt build.

The peer runs once on the bundled sample; each mart it writes is compared with the warehouse's on
the columns the peer produces, with the tolerances of the churn mart checks.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from scripts.benchmarks.peers import pandas_peer
from scripts.tests.dbt_build import query
from scripts.tests.test_churn_marts import assert_figures_match
from scripts.warehouse import DEFAULT_CUSTOMERS_CSV, Warehouse

# mart -> the columns that identify a row
MART_KEYS = {
    "dim_customers": ["customer_id"],
    "fct_rejected_rows": ["source_row_number"],
    "rpt_data_quality": ["metric_id"],
    "rpt_product_segments": ["product_segment"],
    "rpt_segment_churn_profiles": ["profile_measure_id"],
    "rpt_churn_portrait": ["portrait_level_id"],
    "rpt_churn_intervals": ["interval_id"],
    "rpt_churn_segments": ["segment_id"],
    "rpt_retention_recommendations": ["segment_id"],
    "fct_customer_churn_risk": ["customer_id"],
    "rpt_churn_risk_lift": ["risk_decile"],
}


@pytest.fixture(scope="module")
def peer_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("pandas_peer")
    assert (
        pandas_peer.main(["--customers-csv", str(DEFAULT_CUSTOMERS_CSV), "--output", str(output)])
        == 0
    )
    return output


def test_peer_writes_one_file_per_mart_and_nothing_else(peer_output: Path) -> None:
    assert sorted(path.name for path in peer_output.iterdir()) == sorted(
        f"{mart}.parquet" for mart in MART_KEYS
    )


@pytest.mark.parametrize("mart", list(MART_KEYS))
def test_peer_mart_matches_the_warehouse(
    mart: str, peer_output: Path, sample_warehouse: Warehouse
) -> None:
    produced = pd.read_parquet(peer_output / f"{mart}.parquet")
    published = query(sample_warehouse, f"select * from {mart}")
    assert not produced.empty
    assert set(produced.columns) <= set(published.columns)
    assert len(produced) == len(published)
    assert_figures_match(published[list(produced.columns)], produced, MART_KEYS[mart])
