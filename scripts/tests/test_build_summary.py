from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from scripts.build_summary import BuildSummary, ReasonCount, format_summary, read_build_summary
from scripts.warehouse import Warehouse


@pytest.fixture
def connection():
    with duckdb.connect() as connection:
        connection.execute(
            """
            create table rpt_data_quality as
            select * from (values
                ('rows_read', 1, 'rows', null, null, 5),
                ('rows_kept', 2, 'rows', null, null, 3),
                ('rows_rejected', 3, 'rows', null, null, 2),
                ('reason:no_products', 4, 'reason', 'no_products', true, 1),
                ('reason:out_of_range', 5, 'reason', 'out_of_range', true, 0),
                ('reason:shared_user_id', 6, 'reason', 'shared_user_id', false, 2),
                ('reason:shared_user_id:user_id', 7, 'reason_by_field', 'shared_user_id', false, 2)
            ) as metrics(metric_id, metric_order, metric_group, reason_code, is_blocking, row_count)
            """
        )
        connection.execute("create table dim_customers as select range as id from range(3)")
        connection.execute("create view stg_bank__customers as select 1 as id")
        yield connection


def test_reads_volumes_nonzero_reasons_and_mart_sizes(connection) -> None:
    summary = read_build_summary(connection)
    assert (summary.rows_read, summary.rows_kept, summary.rows_rejected) == (5, 3, 2)
    assert summary.reasons == (
        ReasonCount("no_products", True, 1),
        ReasonCount("shared_user_id", False, 2),
    )
    assert summary.mart_rows == (("dim_customers", 3), ("rpt_data_quality", 7))


def test_format_names_the_files_and_reconciles() -> None:
    summary = BuildSummary(
        rows_read=10_000,
        rows_kept=9_999,
        rows_rejected=1,
        reasons=(ReasonCount("no_products", True, 1), ReasonCount("extreme_value", False, 486)),
        mart_rows=(("dim_customers", 9_999),),
    )
    text = format_summary(summary, Warehouse(Path("/data/in.csv"), Path("/w/bank.duckdb")))
    assert "Customer file: /data/in.csv" in text
    assert "Warehouse:     /w/bank.duckdb" in text
    assert "Rows read 10,000 = kept 9,999 + quarantined 1" in text
    assert "reject  no_products: 1" in text
    assert "flag    extreme_value: 486" in text
    assert "dim_customers: 9,999" in text
