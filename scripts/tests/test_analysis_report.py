"""The report: self-contained, every section and chart, the warehouse's figures, escaped."""

from __future__ import annotations

import base64
import re
from dataclasses import replace
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from scripts import analysis_report
from scripts.localisation import (
    Language,
    format_number,
    format_p_value,
    format_percent,
    level_label,
)
from scripts.report import charts
from scripts.report.document import TEXT, build_document
from scripts.report.figures import REQUIRED_TABLES, ReportFigures, read_report_figures
from scripts.report.render import markdown_escape, to_html, to_markdown
from scripts.tests.dbt_build import query
from scripts.warehouse import Warehouse

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SECTION_KEYS = (
    "findings",
    "quality",
    "segments",
    "profiles",
    "portrait",
    "intervals",
    "strategic",
    "hypotheses",
    "method",
)


Report = tuple[str, analysis_report.ReportFiles]


def write_report(warehouse: Warehouse, reports_dir: Path, language: str) -> Report:
    code = analysis_report.main(
        [
            "--database",
            str(warehouse.duckdb_path),
            "--reports-dir",
            str(reports_dir),
            "--language",
            language,
        ]
    )
    assert code == 0
    return language, analysis_report.report_files(reports_dir, language)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def russian_report(
    analysed_sample_warehouse: Warehouse, tmp_path_factory: pytest.TempPathFactory
) -> Report:
    return write_report(analysed_sample_warehouse, tmp_path_factory.mktemp("report_ru"), "ru")


@pytest.fixture(scope="module")
def english_report(
    analysed_sample_warehouse: Warehouse, tmp_path_factory: pytest.TempPathFactory
) -> Report:
    return write_report(analysed_sample_warehouse, tmp_path_factory.mktemp("report_en"), "en")


@pytest.fixture(params=["russian", "english"])
def report(request: pytest.FixtureRequest) -> Report:
    return request.getfixturevalue(f"{request.param}_report")  # type: ignore[no-any-return]


def markdown_tables(markdown: str) -> list[list[list[str]]]:
    """Every table in the Markdown, as rows of unescaped cells (header row first)."""
    tables: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in [*markdown.splitlines(), ""]:
        if line.startswith("|"):
            if not line.startswith("|---"):
                cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
                current.append([re.sub(r"\\(.)", r"\1", cell.strip()) for cell in cells])
        elif current:
            tables.append(current)
            current = []
    return tables


def table_with(tables: list[list[list[str]]], header: list[str]) -> list[list[str]]:
    matches = [table[1:] for table in tables if table[0][: len(header)] == header]
    assert len(matches) == 1, header
    return matches[0]


def test_html_opens_with_no_network_and_has_every_section_and_chart(
    report: Report, analysed_sample_warehouse: Warehouse
) -> None:
    language, files = report
    page = files.html.read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|iframe|object|embed)\b", page, re.IGNORECASE)
    assert not re.search(r"(https?:)?//[\w.-]+\.\w", page.replace("<!DOCTYPE html>", ""))
    assert "@import" not in page
    assert "url(" not in page
    sources = re.findall(r'<img src="([^"]*)"', page)
    assert all(source.startswith("data:image/png;base64,") for source in sources)
    images = [base64.b64decode(source.split(",", 1)[1]) for source in sources]
    assert all(image.startswith(PNG_SIGNATURE) for image in images)
    features = query(analysed_sample_warehouse, "select distinct feature from rpt_churn_portrait")
    # segments, one per portrait feature, risk deciles
    assert len(images) == 1 + len(features) + 1
    for key in SECTION_KEYS:
        assert TEXT[key][language] in page, key
    assert f'lang="{language}"' in page


def test_markdown_twin_shows_the_same_charts_as_files(
    report: Report,
) -> None:
    language, files = report
    markdown = files.markdown.read_text(encoding="utf-8")
    page = files.html.read_text(encoding="utf-8")
    linked = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", markdown)
    embedded = [
        base64.b64decode(source) for source in re.findall(r"data:image/png;base64,([^\"]+)", page)
    ]
    assert linked
    assert [(files.markdown.parent / link).read_bytes() for link in linked] == embedded
    for key in SECTION_KEYS:
        assert markdown_escape(TEXT[key][language]) in markdown, key


def test_report_figures_equal_the_warehouse(
    english_report: Report, analysed_sample_warehouse: Warehouse
) -> None:
    # compared in the English report, whose number format is Python's own
    _, files = english_report
    markdown = files.markdown.read_text(encoding="utf-8")
    tables = markdown_tables(markdown)

    rows = query(
        analysed_sample_warehouse,
        "select metric_id, row_count from rpt_data_quality where metric_group = 'rows'",
    ).set_index("metric_id")["row_count"]
    assert (
        f"Rows read: {rows['rows_read']:,}. Kept as customers: {rows['rows_kept']:,}. "
        f"Quarantined: {rows['rows_rejected']:,}" in markdown
    )

    segments = query(analysed_sample_warehouse, "select * from rpt_product_segments order by 2")
    reported = table_with(tables, ["Products", "Customers", "Share of customers", "Churn"])
    assert [row[0] for row in reported] == list(segments["product_segment"])
    for cells, segment in zip(reported, segments.itertuples(), strict=True):
        assert cells[1:7] == [
            f"{segment.customers:,}",
            f"{segment.share_of_customers:.1%}",
            f"{segment.churn_rate:.1%}",
            f"{segment.churn_rate_lower:.1%}–{segment.churn_rate_upper:.1%}",
            f"{segment.lift:.2f}",
            f"{segment.share_of_churners:.1%}",
        ]

    picks = query(
        analysed_sample_warehouse,
        "select * from rpt_churn_segments where is_top_pick order by top_pick_number",
    )
    reported = table_with(tables, ["#", "Segment", "Customers", "Churn"])
    assert [(cells[2], cells[3]) for cells in reported] == [
        (f"{pick.customers:,}", f"{pick.churn_rate:.1%}") for pick in picks.itertuples()
    ]

    risky = query(analysed_sample_warehouse, "select * from rpt_churn_portrait where is_risk_level")
    reported = table_with(tables, ["Feature", "Level", "Customers", "Churn"])
    assert sorted(cells[2] for cells in reported) == sorted(f"{n:,}" for n in risky["customers"])

    intervals = query(analysed_sample_warehouse, "select * from rpt_churn_intervals")
    reported = table_with(tables, ["Range", "Customers", "Churn"])
    assert sorted((cells[1], cells[2]) for cells in reported) == sorted(
        (f"{row.customers:,}", f"{row.churn_rate:.1%}") for row in intervals.itertuples()
    )

    results = query(
        analysed_sample_warehouse, "select * from rpt_hypothesis_results order by hypothesis_id"
    )
    reported = table_with(tables, ["Id", "Question", "Test", "p (Holm)", "Verdict"])
    assert [(cells[0], cells[1], cells[4]) for cells in reported] == [
        (row.hypothesis_id, row.question, row.verdict) for row in results.itertuples()
    ]
    for row in results.itertuples():
        assert f"{row.hypothesis_id}: {markdown_escape(row.conclusion)}" in markdown


def test_russian_report_uses_russian_number_formats(
    russian_report: Report, analysed_sample_warehouse: Warehouse
) -> None:
    _, files = russian_report
    churn = query(
        analysed_sample_warehouse,
        "select avg(case when is_churned then 1.0 else 0.0 end) as rate, count(*) as n "
        "from dim_customers",
    ).iloc[0]
    markdown = files.markdown.read_text(encoding="utf-8")
    rate = f"{churn['rate']:.1%}".replace(".", ",")
    customers = f"{int(churn['n']):,}".replace(",", "\u202f")
    assert f"Клиентов в анализе: {customers}" in markdown
    assert f"({rate})" in markdown
    assert "различие не выявлено" in markdown or "различие есть" in markdown


HOSTILE = '<img src=x onerror="alert(1)">|*bold* [link](http://evil.example) $\\frac{$'


@pytest.fixture(scope="module")
def sample_figures(analysed_sample_warehouse: Warehouse) -> ReportFigures:
    with duckdb.connect(str(analysed_sample_warehouse.duckdb_path), read_only=True) as connection:
        return read_report_figures(connection)


def with_hostile_values(figures: ReportFigures) -> ReportFigures:
    """Every kind of text that reaches the report from the data, replaced by markup."""
    portrait = figures.portrait.copy()
    city = portrait["feature"] == "city"
    portrait.loc[city, "level_label"] = HOSTILE
    portrait.loc[city, "is_risk_level"] = True
    segment = f"level:city:{HOSTILE}"
    return replace(
        figures,
        portrait=portrait,
        segments=figures.segments.assign(product_segment=HOSTILE),
        strategic_segments=figures.strategic_segments.assign(segment_id=segment),
        recommendations=figures.recommendations.assign(
            segment_id=segment, levers_ru=HOSTILE, levers_en=HOSTILE
        ),
        hypotheses=figures.hypotheses.assign(
            question=HOSTILE, question_ru=HOSTILE, conclusion=HOSTILE, conclusion_ru=HOSTILE
        ),
        reasons=figures.reasons.assign(reason_code=HOSTILE, description=HOSTILE),
    )


@pytest.mark.parametrize("language", ["ru", "en"])
# labels a hundred characters long leave the chart no room to lay out; that is all it warns of
@pytest.mark.filterwarnings("ignore:constrained_layout not applied")
def test_values_from_the_data_never_become_markup(
    sample_figures: ReportFigures, language: Language
) -> None:
    # a `$` in a chart label would start matplotlib's maths and fail on `\frac{`
    document = build_document(with_hostile_values(sample_figures), language)

    page = to_html(document)
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
    # the only tags are the page's own
    tags = set(re.findall(r"</?([a-zA-Z0-9]+)", page))
    assert tags <= {
        "html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "ul", "li",
        "table", "thead", "tbody", "tr", "th", "td", "figure", "img", "figcaption",
    }  # fmt: skip
    assert len(re.findall("<img ", page)) == len(document.charts)

    markdown = to_markdown(document, "charts")
    assert "<img" not in markdown
    assert '&lt;img src=x onerror="alert(1)"&gt;\\|\\*bold\\* \\[link\\](http' in markdown
    assert not re.search(r"(?<!\\)\]\(http", markdown)
    # no `|` from the data splits a cell: every row keeps its table's columns
    for table in markdown_tables(markdown):
        assert {len(row) for row in table} == {len(table[0])}


def test_every_chart_has_a_title_and_labelled_axes(sample_figures: ReportFigures) -> None:
    bank_rate = sample_figures.bank.churn_rate
    segments = charts.segment_chart(sample_figures.segments, bank_rate, "ru")
    sizes, churn = segments.axes
    assert (sizes.get_title(), sizes.get_ylabel()) == ("Размер сегментов", "Клиентов")
    assert (churn.get_xlabel(), churn.get_ylabel()) == ("Число продуктов", "Отток, %")
    age = sample_figures.portrait.loc[sample_figures.portrait["feature"] == "age"]
    portrait = charts.portrait_chart(
        age, list(age["level_label"]), "age", "Age, years", bank_rate, "en"
    )
    (axes,) = portrait.axes
    assert (axes.get_title(), axes.get_xlabel(), axes.get_ylabel()) == (
        "Churn by age",
        "Age, years",
        "Churn rate, %",
    )
    # the bank's rate is drawn and named in the legend, with its value from the warehouse
    assert [text.get_text() for text in axes.get_legend().get_texts()] == [
        f"Bank's churn rate: {bank_rate:.1%}"
    ]
    assert [label.get_text() for label in axes.get_xticklabels()] == list(age["level_label"])
    deciles = charts.risk_lift_chart(sample_figures.risk_lift, bank_rate, "en")
    assert deciles.axes[0].get_xlabel() == "Risk-score decile"
    for figure in (segments, portrait, deciles):
        charts.png(figure)


@pytest.mark.parametrize(
    ("value", "language", "digits", "expected"),
    [
        (1234567.891, "ru", 0, "1\u202f234\u202f568"),
        (1234567.891, "en", 1, "1,234,567.9"),
        (0.5, "ru", 2, "0,50"),
        (float("nan"), "en", 0, "—"),
        (None, "ru", 0, "—"),
    ],
)
def test_numbers_follow_the_language(
    value: float | None, language: str, digits: int, expected: str
) -> None:
    assert format_number(value, language, digits) == expected  # type: ignore[arg-type]


def test_percents_and_p_values_follow_the_language() -> None:
    assert format_percent(0.18190, "ru") == "18,2%"
    assert format_percent(0.18190, "en") == "18.2%"
    assert format_p_value(0.0334, "ru") == "0,033"
    assert format_p_value(1.53e-44, "en") == "< 0.001"
    assert format_p_value(1.53e-44, "ru") == "< 0,001"
    assert format_number(-5.94, "ru", 1) == "\u22125,9"


@pytest.mark.parametrize(
    ("text", "starts_block", "expected"),
    [
        ("1. Data", True, "1\\. Data"),
        ("1. Data", False, "1. Data"),
        ("- not a list", True, "\\- not a list"),
        ("-5.9%", False, "-5.9%"),
        ("# not a heading", False, "\\# not a heading"),
        ("ends with #", False, "ends with \\#"),
        ("a|b *c* _d_ `e`", False, "a\\|b \\*c\\* \\_d\\_ \\`e\\`"),
        ("<b>&</b>", False, "&lt;b&gt;&amp;&lt;/b&gt;"),
        ("two\nlines", False, "two lines"),
        ("1\u202f234", False, "1\u202f234"),
    ],
)
def test_markdown_escape_keeps_text_plain(text: str, starts_block: bool, expected: str) -> None:
    assert markdown_escape(text, starts_block=starts_block) == expected


@pytest.mark.parametrize(
    ("label", "language", "expected"),
    [
        ("500k-1M", "ru", "500 тыс.–1 млн"),
        ("<200k", "ru", "до 200 тыс."),
        ("2M+", "ru", "от 2 млн"),
        ("18-24", "en", "18–24"),
        ("active", "ru", "активен"),
        ("М", "en", "men"),
        ("Ростов", "en", "Ростов"),
    ],
)
def test_levels_read_in_the_reports_language(label: str, language: Language, expected: str) -> None:
    assert level_label(label, language) == expected


def test_cli_refuses_a_warehouse_without_hypothesis_results(
    sample_warehouse: Warehouse, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = analysis_report.main(
        ["--database", str(sample_warehouse.duckdb_path), "--reports-dir", str(tmp_path)]
    )
    assert code == 2
    assert "rpt_hypothesis_results" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_cli_refuses_a_missing_warehouse(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = analysis_report.main(["--database", str(tmp_path / "none.duckdb")])
    assert code == 2
    assert "none.duckdb" in capsys.readouterr().err


def test_cli_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        analysis_report.main(["--help"])
    assert exit_info.value.code == 0
    assert "--language" in capsys.readouterr().out


def test_charts_are_the_same_bytes_for_the_same_data(sample_figures: ReportFigures) -> None:
    first, second = (build_document(sample_figures, "en").charts for _ in range(2))
    assert [chart.png for chart in first] == [chart.png for chart in second]


# the marts the report reads, but dim_customers, whose rows it only aggregates
REPORT_MARTS = tuple(table for table in REQUIRED_TABLES if table != "dim_customers")
NUMBER = re.compile(r"(?<![\w.,])[+\-]?\d(?:[\d,]*\d)?(?:\.\d+)?%?(?!\w)")
SECTION_NUMBER = re.compile(r"^#+ \d+\. ")
# display floors, not figures: shares under 0.1% and p-values under 0.001 read "<0.1%", "< 0.001"
FLOORS = {"0.1%", "0.001"}


def renderings(value: float) -> set[str]:
    """A figure written every way the English report writes a number."""
    if pd.isna(value):
        return set()
    return {
        f"{value:,.0f}",
        f"{value:,.1f}",
        f"{value:,.2f}",
        f"{100 * value:,.1f}%",
        f"{value:.2g}",
    }


def derived_figures(
    marts: dict[str, pd.DataFrame], customers: pd.DataFrame
) -> dict[str, list[float]]:
    """The figures the report derives from mart rows rather than copying them, by mart."""
    profiles = marts["rpt_segment_churn_profiles"]
    shares = profiles[profiles["measure"].str.startswith("share_")]
    deciles = marts["rpt_churn_risk_lift"].sort_values("risk_decile")
    hypotheses = marts["rpt_hypothesis_results"]
    without_balance = customers[~customers["has_balance"]]
    with_balance = customers[customers["has_balance"]]
    return {
        # differences of shares, in percentage points
        "rpt_segment_churn_profiles": list(
            (shares["churned_value"] - shares["retained_value"]) * 100
        ),
        # the share of customers in the top risk deciles
        "rpt_churn_risk_lift": list(deciles["customers"].cumsum() / deciles["customers"].sum()),
        "rpt_hypothesis_results": [len(hypotheses), *hypotheses["verdict"].value_counts()],
        # the bank and its customers without a balance
        "dim_customers": [
            len(customers),
            int(customers["is_churned"].sum()),
            customers["is_churned"].mean(),
            len(without_balance),
            len(without_balance) / len(customers),
            without_balance["equity"].mean(),
            with_balance["equity"].mean(),
            without_balance["is_churned"].mean(),
            with_balance["is_churned"].mean(),
        ],
    }


def mart_numbers(frame: pd.DataFrame, derived: list[float]) -> set[str]:
    """Every figure of a mart, every number inside its words (band labels, conditions,
    levers), and the figures derived from it, as the report may write them."""
    numbers: set[str] = set()
    for column in frame.columns:
        if pd.api.types.is_bool_dtype(frame[column]):
            continue
        if pd.api.types.is_numeric_dtype(frame[column]):
            for value in frame[column].dropna():
                numbers |= renderings(float(value))
        else:
            for text in frame[column].dropna().astype(str):
                numbers |= set(NUMBER.findall(text))
    for value in derived:
        numbers |= renderings(float(value))
    return numbers


# each numbered section of the report and the marts its numbers may come from; the title,
# introduction and key findings before them summarise every mart
SECTION_MARTS = {
    "quality": ("rpt_data_quality", "dim_customers"),
    "segments": ("rpt_product_segments",),
    "profiles": ("rpt_segment_churn_profiles",),
    "portrait": ("rpt_churn_portrait", "rpt_churn_intervals"),
    "strategic": (
        "rpt_churn_segments",
        "rpt_retention_recommendations",
        "rpt_churn_intervals",
        "rpt_churn_risk_lift",
        "dim_customers",
    ),
    "hypotheses": ("rpt_hypothesis_results",),
    "method": (),
}


def template_numbers() -> set[str]:
    """Numbers the report's own sentences hold (`95% CI`), placeholders removed."""
    templates = " ".join(text["en"] for text in TEXT.values())
    return set(NUMBER.findall(re.sub(r"\{[^}]*\}", " ", templates)))


def test_every_number_in_the_report_is_found_in_the_marts(
    english_report: Report, analysed_sample_warehouse: Warehouse
) -> None:
    marts = {
        mart: query(analysed_sample_warehouse, f"select * from {mart}") for mart in REPORT_MARTS
    }
    customers = query(
        analysed_sample_warehouse, "select is_churned, has_balance, equity from dim_customers"
    )
    derived = derived_figures(marts, customers)
    numbers = {
        mart: mart_numbers(marts.get(mart, pd.DataFrame()), derived.get(mart, []))
        for mart in [*REPORT_MARTS, "dim_customers"]
    }
    everywhere = FLOORS | template_numbers()
    headings = {f"## {TEXT[key]['en']}": key for key in SECTION_MARTS}
    known = set().union(everywhere, *numbers.values())

    _, files = english_report
    unknown = []
    for line in files.markdown.read_text(encoding="utf-8").splitlines():
        if line in headings:
            section = SECTION_MARTS[headings[line]]
            known = set().union(everywhere, *(numbers[mart] for mart in section))
        if line.startswith("!["):
            continue
        for token in NUMBER.findall(SECTION_NUMBER.sub("", line)):
            if token.lstrip("+") not in known:
                unknown.append((token, line[:120]))
    assert not unknown, "numbers in the report that no mart of its section holds:\n" + "\n".join(
        f"{token!r} in: {line}" for token, line in unknown
    )
