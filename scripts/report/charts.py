"""The report's charts: churn rates with 95% intervals against the bank's rate.

Each builder returns the matplotlib Figure (tests read its titles and labels); `png` renders it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from contextlib import AbstractContextManager

import matplotlib

matplotlib.use("Agg")  # no screen on a server; must precede pyplot

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from scripts.localisation import Language, format_number, format_percent

BASE_COLOUR = "#4c72b0"
RISK_COLOUR = "#c44e52"
BANK_LINE_COLOUR = "#333333"
DPI = 110
RATE_COLUMNS = ("churn_rate", "churn_rate_lower", "churn_rate_upper")

CHART_TEXT: dict[str, dict[Language, str]] = {
    "churn_rate": {"ru": "Отток, %", "en": "Churn rate, %"},
    "customers": {"ru": "Клиентов", "en": "Customers"},
    "bank_rate": {"ru": "Отток по банку: {rate}", "en": "Bank's churn rate: {rate}"},
    "segment_sizes": {"ru": "Размер сегментов", "en": "Segment size"},
    "segment_churn": {"ru": "Отток по сегментам, 95% ДИ", "en": "Churn by segment, 95% CI"},
    "products": {"ru": "Число продуктов", "en": "Number of products"},
    "portrait_title": {"ru": "Отток по признаку: {feature}", "en": "Churn by {feature}"},
    "risk_title": {
        "ru": "Отток по децилям оценки риска (1 — самый высокий риск)",
        "en": "Churn by risk-score decile (1 = highest risk)",
    },
    "risk_decile": {"ru": "Дециль оценки риска", "en": "Risk-score decile"},
}


def _text(key: str, language: Language) -> str:
    return CHART_TEXT[key][language]


def _plain_text() -> AbstractContextManager[None]:
    # labels come from the data: a `$` in a city or band name must print as a dollar, not start
    # matplotlib's maths mode
    return plt.rc_context({"text.parse_math": False})


def png(figure: Figure) -> bytes:
    """The figure as PNG bytes, then closed. Without the Software tag (matplotlib's version) the
    same data and the same matplotlib give the same bytes."""
    # With a layout engine set, savefig first draws the whole figure unseen just to run it.
    # Running the engine here, at the saved resolution (text sizes, and so the layout, depend on
    # it), then removing it leaves savefig one draw; the PNG is the same, byte for byte.
    figure.set_dpi(DPI)
    layout = figure.get_layout_engine()
    if layout is not None:
        layout.execute(figure)
        figure.set_layout_engine(None)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    plt.close(figure)
    return buffer.getvalue()


def _percent_tick(value: float, language: Language) -> str:
    # ticks at 2.5% steps must not round to 2% and 3%: a decimal only where the tick needs one
    whole = abs(value * 100 - round(value * 100)) < 1e-9
    return format_percent(value, language, digits=0 if whole else 1)


def _percent_axis(axes: Axes, language: Language) -> None:
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: _percent_tick(value, language)))
    axes.set_ylabel(_text("churn_rate", language))
    axes.set_ylim(bottom=0)
    axes.grid(axis="y", alpha=0.3)


def _rates_with_intervals(
    axes: Axes, labels: Sequence[str], rates: pd.DataFrame, bank_rate: float, language: Language
) -> None:
    """Churn rate bars with their intervals and the bank's rate as a dashed line. Red where even
    the low end of the interval is above the bank's rate: the marts' rule for a risk level."""
    positions = np.arange(len(labels))
    churn, lower, upper = (rates[column] for column in RATE_COLUMNS)
    colours = [RISK_COLOUR if low > bank_rate else BASE_COLOUR for low in lower]
    errors = np.vstack([churn - lower, upper - churn])
    axes.bar(positions, churn, color=colours, yerr=errors, capsize=4, ecolor="#555555")
    axes.axhline(
        bank_rate,
        color=BANK_LINE_COLOUR,
        linestyle="--",
        linewidth=1,
        label=_text("bank_rate", language).format(rate=format_percent(bank_rate, language)),
    )
    axes.set_xticks(positions, labels)
    _percent_axis(axes, language)
    axes.legend(loc="best", frameon=False, fontsize=8)


def segment_chart(segments: pd.DataFrame, bank_rate: float, language: Language) -> Figure:
    """Two panels: how many customers each product segment has, and how many of them leave."""
    with _plain_text():
        figure, (sizes, churn) = plt.subplots(1, 2, figsize=(9, 3.6), layout="constrained")
        _segment_panels(sizes, churn, segments, bank_rate, language)
    return figure


def _segment_panels(
    sizes: Axes, churn: Axes, segments: pd.DataFrame, bank_rate: float, language: Language
) -> None:
    labels = list(segments["product_segment"].astype(str))
    positions = np.arange(len(labels))
    sizes.bar(positions, segments["customers"], color=BASE_COLOUR)
    sizes.set_xticks(positions, labels)
    sizes.set_title(_text("segment_sizes", language))
    sizes.set_xlabel(_text("products", language))
    sizes.set_ylabel(_text("customers", language))
    sizes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: format_number(value, language)))
    sizes.grid(axis="y", alpha=0.3)
    _rates_with_intervals(churn, labels, segments, bank_rate, language)
    churn.set_title(_text("segment_churn", language))
    churn.set_xlabel(_text("products", language))


def portrait_chart(
    levels: pd.DataFrame,
    level_labels: Sequence[str],
    feature_title: str,
    axis_label: str,
    bank_rate: float,
    language: Language,
) -> Figure:
    """Churn rate by level of one feature."""
    width = max(5.0, 1.0 + 0.75 * len(level_labels))
    with _plain_text():
        figure, axes = plt.subplots(figsize=(min(width, 9.0), 3.4), layout="constrained")
        _rates_with_intervals(axes, level_labels, levels, bank_rate, language)
        axes.set_title(_text("portrait_title", language).format(feature=feature_title))
        axes.set_xlabel(axis_label)
    return figure


def risk_lift_chart(deciles: pd.DataFrame, bank_rate: float, language: Language) -> Figure:
    labels = [str(decile) for decile in deciles["risk_decile"]]
    with _plain_text():
        figure, axes = plt.subplots(figsize=(8, 3.4), layout="constrained")
        _rates_with_intervals(axes, labels, deciles, bank_rate, language)
        axes.set_title(_text("risk_title", language))
        axes.set_xlabel(_text("risk_decile", language))
    return figure
