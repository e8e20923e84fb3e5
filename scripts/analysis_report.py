"""The analysis report for managers: one self-contained HTML page and its Markdown twin.

Usage: python -m scripts.analysis_report [--database PATH] [--reports-dir DIR] [--language ru|en]

Writes <reports-dir>/churn_report_<language>.html (charts inside, opens with no network),
churn_report_<language>.md and the Markdown's charts in churn_report_<language>_charts/.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

from scripts.localisation import LANGUAGES, Language
from scripts.report.document import Document, build_document
from scripts.report.figures import ReportDataError, read_report_figures
from scripts.report.render import to_html, to_markdown
from scripts.warehouse import PROJECT_DIR, add_database_argument


@dataclass(frozen=True)
class ReportFiles:
    html: Path
    markdown: Path
    charts_dir: Path


def report_files(reports_dir: Path, language: Language) -> ReportFiles:
    stem = f"churn_report_{language}"
    return ReportFiles(
        html=reports_dir / f"{stem}.html",
        markdown=reports_dir / f"{stem}.md",
        charts_dir=reports_dir / f"{stem}_charts",
    )


def write_report(document: Document, files: ReportFiles) -> None:
    files.charts_dir.mkdir(parents=True, exist_ok=True)
    for stale in files.charts_dir.glob("*.png"):
        stale.unlink()
    for chart in document.charts:
        (files.charts_dir / f"{chart.name}.png").write_bytes(chart.png)
    files.markdown.write_text(to_markdown(document, files.charts_dir.name), encoding="utf-8")
    files.html.write_text(to_html(document), encoding="utf-8")


def generate_report(database: Path, reports_dir: Path, language: Language) -> ReportFiles:
    """Read the marts, build the document, write the files; raise ReportDataError if unusable."""
    if not database.is_file():
        raise ReportDataError(f"warehouse {database} does not exist; run `make run` first")
    with duckdb.connect(str(database), read_only=True) as connection:
        figures = read_report_figures(connection)
    files = report_files(reports_dir, language)
    write_report(build_document(figures, language), files)
    return files


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Write the analysis report (HTML and Markdown) from the warehouse."
    )
    add_database_argument(parser)
    parser.add_argument(
        "--reports-dir", type=Path, default=PROJECT_DIR / "reports", help="where reports go"
    )
    parser.add_argument(
        "--language",
        choices=LANGUAGES,
        default="ru",
        help="language of the report: ru (the bank's, default) or en",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    try:
        files = generate_report(arguments.database, arguments.reports_dir, arguments.language)
    except ReportDataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"Report: {files.html} (Markdown: {files.markdown})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
