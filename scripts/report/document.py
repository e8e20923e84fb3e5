"""The report as a sequence of blocks (headings, text, tables, charts), in Russian or English.

The blocks hold plain text only; the HTML and Markdown renderers escape it, so a value from the
data never becomes markup.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas as pd

from scripts.localisation import (
    FEATURE_NAMES,
    MISSING,
    REASON_NAMES,
    TEST_NAMES,
    VERDICTS,
    Language,
    feature_axis_label,
    format_number,
    format_p_value,
    format_percent,
    level_label,
    measure_name,
    translate,
)
from scripts.report import charts
from scripts.report.figures import ReportFigures


@dataclass(frozen=True)
class Heading:
    text: str
    level: int


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class BulletList:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Chart:
    name: str
    caption: str
    png: bytes


Block = Heading | Paragraph | BulletList | Table | Chart


@dataclass(frozen=True)
class Document:
    language: Language
    title: str
    blocks: tuple[Block, ...]

    @property
    def charts(self) -> tuple[Chart, ...]:
        return tuple(block for block in self.blocks if isinstance(block, Chart))


# Features in the order a reader meets them; one the marts add later goes at the end.
FEATURE_ORDER = (
    "products",
    "age",
    "gender",
    "city",
    "score",
    "balance",
    "balance_presence",
    "salary",
    "equity",
    "credit_card",
    "activity",
)

TEXT: dict[str, dict[Language, str]] = {
    "title": {
        "ru": "Метанпромбанк: продуктовые сегменты и отток клиентов",
        "en": "Metanprombank: product segments and customer churn",
    },
    "intro": {
        "ru": "Клиентов в анализе: {customers}; ушли: {churned} ({rate}). Каждое число отчёта "
        "прочитано из витрин хранилища.",
        "en": "Customers analysed: {customers}; churned: {churned} ({rate}). Every number in "
        "this report is read from the warehouse's marts.",
    },
    "findings": {"ru": "Главное", "en": "Key findings"},
    "finding_segment": {
        "ru": "Чаще всего уходят клиенты с числом продуктов {segment}: отток {rate} "
        "(95% ДИ {interval}), в {lift} раза выше среднего по банку.",
        "en": "Customers with {segment} products leave most often: churn {rate} "
        "(95% CI {interval}), {lift} times the bank's rate.",
    },
    "finding_pick": {
        "ru": "Сегмент с наибольшим числом ушедших — «{definition}»: клиентов {customers}, "
        "отток {rate}, это {share} всех ушедших.",
        "en": "The segment with the most churners is '{definition}': {customers} customers, "
        "churn {rate}, {share} of all churners.",
    },
    "finding_risk": {
        "ru": "На {top_share} клиентов с наибольшей оценкой риска приходится {share} всех ушедших.",
        "en": "The {top_share} of customers with the highest risk score account for {share} of "
        "all churners.",
    },
    "finding_hypotheses": {
        "ru": "Проверено гипотез: {count}. Итоги: {verdicts}.",
        "en": "Hypotheses tested: {count}. Verdicts: {verdicts}.",
    },
    "quality": {"ru": "1. Данные и их качество", "en": "1. The data and its quality"},
    "quality_rows": {
        "ru": "Прочитано строк: {read}. Приняты как клиенты: {kept}. Отложены в карантин: "
        "{rejected}; их исходный текст и причины сохранены. Ни одна строка не теряется: "
        "прочитано = принято + в карантине.",
        "en": "Rows read: {read}. Kept as customers: {kept}. Quarantined: {rejected}, with "
        "their raw text and reasons. No row is lost: read = kept + quarantined.",
    },
    "reason": {"ru": "Причина", "en": "Reason"},
    "action": {"ru": "Действие", "en": "Action"},
    "rows": {"ru": "Строк", "en": "Rows"},
    "share_of_rows": {"ru": "Доля строк", "en": "Share of rows"},
    "rejected": {"ru": "в карантине", "en": "quarantined"},
    "flagged": {"ru": "оставлены с пометкой", "en": "kept, flagged"},
    "missing_balance": {
        "ru": "Остаток не указан у {share} клиентов ({customers}). Их средний балл "
        "собственности {equity_without} против {equity_with} у клиентов с остатком, а отток "
        "{rate_without} против {rate_with}: пропуск не случаен, поэтому он не заполняется, а "
        "клиенты сохранены с пометкой «нет остатка».",
        "en": "The balance is missing for {share} of customers ({customers}). Their mean "
        "equity is {equity_without} against {equity_with} for customers with a balance, and "
        "their churn {rate_without} against {rate_with}: the gap is not random, so it is not "
        "filled in, and these customers are kept, marked as having no balance.",
    },
    "segments": {"ru": "2. Продуктовые сегменты", "en": "2. Product segments"},
    "segments_text": {
        "ru": "Клиенты разбиты по числу продуктов. Столбики — отток с 95% доверительным "
        "интервалом (Уилсон), пунктир — отток по банку; красным — сегменты, где даже нижняя "
        "граница интервала выше оттока по банку.",
        "en": "Customers by the number of products they hold. Bars show churn with its 95% "
        "Wilson interval, the dashed line the bank's rate; red marks segments where even the "
        "low end of the interval is above the bank's rate.",
    },
    "segments_chart": {
        "ru": "Размер и отток продуктовых сегментов",
        "en": "Size and churn of the product segments",
    },
    "products": {"ru": "Продуктов", "en": "Products"},
    "customers": {"ru": "Клиентов", "en": "Customers"},
    "share_of_customers": {"ru": "Доля клиентов", "en": "Share of customers"},
    "churn_rate": {"ru": "Отток", "en": "Churn"},
    "interval": {"ru": "95% ДИ", "en": "95% CI"},
    "lift": {"ru": "Лифт", "en": "Lift"},
    "share_of_churners": {"ru": "Доля ушедших", "en": "Share of churners"},
    "median_age": {"ru": "Медиана возраста, лет", "en": "Median age, years"},
    "median_balance": {"ru": "Медиана остатка, руб.", "en": "Median balance, roubles"},
    "median_salary": {"ru": "Медиана дохода, руб.", "en": "Median salary, roubles"},
    "share_active": {"ru": "Активных", "en": "Active"},
    "share_card": {"ru": "С картой", "en": "With a card"},
    "profiles": {"ru": "3. Ушедшие и оставшиеся", "en": "3. Churned and retained customers"},
    "profiles_text": {
        "ru": "Профиль ушедших и оставшихся клиентов по всему банку. Разница для долей дана в "
        "процентных пунктах (п.п.), для остальных показателей — в процентах к значению у "
        "оставшихся.",
        "en": "Who leaves and who stays, across the bank. The difference of shares is in "
        "percentage points (pp), of the other measures in percent of the retained customers' "
        "value.",
    },
    "measure": {"ru": "Показатель", "en": "Measure"},
    "churned": {"ru": "Ушедшие", "en": "Churned"},
    "retained": {"ru": "Оставшиеся", "en": "Retained"},
    "difference": {"ru": "Разница", "en": "Difference"},
    "points": {"ru": "п.п.", "en": "pp"},
    "portrait": {"ru": "4. Портрет уходящего клиента", "en": "4. Portrait of a leaving customer"},
    "portrait_text": {
        "ru": "Отток по каждому признаку. Красным отмечены уровни, где даже нижняя граница 95% "
        "интервала выше оттока по банку (пунктир).",
        "en": "Churn by every feature. Red marks the levels where even the low end of the 95% "
        "interval is above the bank's rate (dashed line).",
    },
    "risk_levels": {"ru": "Уровни признаков с повышенным оттоком", "en": "High-churn levels"},
    "feature": {"ru": "Признак", "en": "Feature"},
    "level": {"ru": "Уровень", "en": "Level"},
    "intervals": {"ru": "Диапазоны с повышенным оттоком", "en": "High-churn ranges"},
    "intervals_text": {
        "ru": "Диапазоны значений, где отток выше среднего по банку, найдены по данным: "
        "значения признака делятся на группы равной численности (квантили), и соседние группы "
        "с оттоком выше среднего объединяются. Значимо — если даже нижняя граница 95% "
        "интервала выше оттока по банку.",
        "en": "Value ranges where churn runs above the bank's rate, found from the data: the "
        "values are cut into groups of equal size (quantiles), and adjacent groups above the "
        "rate are merged. Significant when even the low end of the 95% interval is above the "
        "bank's rate.",
    },
    "range": {"ru": "Диапазон", "en": "Range"},
    "significant": {"ru": "Значимо", "en": "Significant"},
    "yes": {"ru": "да", "en": "yes"},
    "no": {"ru": "нет", "en": "no"},
    "strategic": {
        "ru": "5. Стратегические сегменты и рекомендации",
        "en": "5. Strategic segments and recommendations",
    },
    "strategic_text": {
        "ru": "Сегменты — сочетания двух-трёх признаков риска, достаточно крупные и с оттоком "
        "заметно выше среднего. Они выбраны по числу ушедших клиентов; сегмент, который в "
        "основном повторяет уже выбранные, пропускается.",
        "en": "Segments are combinations of two or three risk conditions, large enough and with "
        "churn well above the bank's. They are picked by the number of churners; one that "
        "mostly repeats earlier picks is skipped.",
    },
    "pick": {"ru": "№", "en": "#"},
    "segment": {"ru": "Сегмент", "en": "Segment"},
    "overlap": {
        "ru": "Пересечение с сегментами выше в рейтинге",
        "en": "Overlap with higher-ranked segments",
    },
    "recommendation_figures": {
        "ru": "Клиентов: {customers}; отток {rate} против {bank_rate} по банку; лишних уходов "
        "относительно среднего по банку: около {excess}.",
        "en": "Customers: {customers}; churn {rate} against the bank's {bank_rate}; about "
        "{excess} more leave than the bank's rate would predict.",
    },
    "risk_score": {"ru": "Оценка риска", "en": "Risk score"},
    "risk_score_text": {
        "ru": "Каждому клиенту дана объяснимая оценка риска: сумма вкладов признаков риска выше. "
        "Отток по децилям оценки измерен на тех же данных, на которых оценка построена, поэтому "
        "это описание, а не проверенный прогноз.",
        "en": "Every customer has an explainable risk score: the sum of the contributions of "
        "the risk conditions above. Churn by score decile is measured on the same data the "
        "score was built on: a description, not a validated forecast.",
    },
    "risk_chart": {"ru": "Отток по децилям оценки риска", "en": "Churn by risk-score decile"},
    "hypotheses": {"ru": "6. Проверка гипотез", "en": "6. Hypothesis tests"},
    "hypotheses_text": {
        "ru": "Уровень значимости {alpha}; p-значения скорректированы методом Холма по всему "
        "семейству гипотез.",
        "en": "Significance level {alpha}; p-values are Holm-adjusted across the family.",
    },
    "id": {"ru": "№", "en": "Id"},
    "question": {"ru": "Вопрос", "en": "Question"},
    "test": {"ru": "Критерий", "en": "Test"},
    "p_holm": {"ru": "p (Холм)", "en": "p (Holm)"},
    "verdict": {"ru": "Вывод", "en": "Verdict"},
    "conclusions": {"ru": "Выводы простыми словами", "en": "Conclusions in plain words"},
    "method": {"ru": "7. Методика", "en": "7. Method"},
}

METHOD_ITEMS: dict[Language, tuple[str, ...]] = {
    "ru": (
        "Файл читается целиком как текст (dbt build на DuckDB); каждая строка либо становится "
        "клиентом (dim_customers), либо попадает в карантин с причиной (fct_rejected_rows).",
        "Пропуски остатка и возраста не заполняются: флаги has_balance и has_age.",
        "Доли оттока даны с 95% доверительными интервалами Уилсона; лифт — отток группы, "
        "делённый на отток по банку.",
        "Диапазоны с повышенным оттоком ищутся по квантилям каждого непрерывного признака.",
        "Оценка риска и её децили измерены на тех же данных (in-sample).",
        "Числовые признаки сравниваются t-критерием Уэлча и U-критерием Манна–Уитни (основной "
        "выбирается по размеру групп и асимметрии), доли — z-критерием, несколько групп — "
        "критерием хи-квадрат; статистики считаются в DuckDB.",
        "Пороги (размер сегмента, лифт, число квантилей) — переменные dbt в dbt_project.yml.",
    ),
    "en": (
        "The file is read whole as text (dbt build on DuckDB); every row either becomes a "
        "customer (dim_customers) or is quarantined with its reason (fct_rejected_rows).",
        "Missing balances and ages are not filled in: flags has_balance and has_age.",
        "Churn rates come with 95% Wilson intervals; lift is a group's churn over the bank's.",
        "High-churn ranges are found over quantiles of every continuous feature.",
        "The risk score and its deciles are measured on the same data (in-sample).",
        "Numeric metrics are compared with Welch's t and Mann-Whitney U (the primary one "
        "chosen by group size and skewness), rates with a z test, several groups with a "
        "chi-square test; the statistics are computed in DuckDB.",
        "Thresholds (segment size, lift, number of quantiles) are dbt vars in dbt_project.yml.",
    ),
}

# The finding about the risk score speaks of this many top deciles.
TOP_RISK_DECILES = 2
SMALLEST_SHOWN_SHARE = 0.001


CONDITION_WORDS: dict[str, dict[Language, str]] = {
    "any": {"ru": "{name}: любое значение", "en": "any {name}"},
    "up_to": {"ru": "{name} до {upper}", "en": "{name} up to {upper}"},
    "from": {"ru": "{name} от {lower}", "en": "{name} from {lower}"},
    "between": {"ru": "{name} {lower}–{upper}", "en": "{name} {lower}–{upper}"},
    "exactly": {"ru": "{name} {lower}", "en": "{name} {lower}"},
    "and": {"ru": " и ", "en": " and "},
}


class ReportText:
    """The report's sentences in one language, with its number formats."""

    def __init__(self, language: Language) -> None:
        self.language = language

    def __call__(self, key: str, **values: str) -> str:
        return TEXT[key][self.language].format(**values)

    def number(self, value: float | None, digits: int = 0) -> str:
        return format_number(value, self.language, digits)

    def percent(self, value: float | None) -> str:
        return format_percent(value, self.language)

    def share(self, value: float | None) -> str:
        """A share that rounds to 0.0% but is not zero reads `<0.1%`."""
        if value is not None and 0 < value < SMALLEST_SHOWN_SHARE:
            return f"<{format_percent(SMALLEST_SHOWN_SHARE, self.language)}"
        return self.percent(value)

    def signed(self, text: str) -> str:
        return text if text.startswith(("-", "\u2212", MISSING)) else f"+{text}"

    def interval(self, lower: float | None, upper: float | None) -> str:
        return f"{self.percent(lower)}–{self.percent(upper)}"

    def ratio(self, value: float | None) -> str:
        return self.number(value, 2)

    def in_language(self, row: pd.Series, column: str) -> str:
        """A text column in the report's language: `<column>_ru` or `<column>_en` when the mart
        has it and it is filled, else the column itself."""
        for name in (f"{column}_{self.language}", column):
            if name in row.index and pd.notna(row[name]):
                return str(row[name])
        return MISSING


def _chart_name(feature: str) -> str:
    return re.sub(r"[^a-z0-9_]+", "_", feature.lower())


def ordered_features(features: Iterable[str]) -> list[str]:
    present = list(dict.fromkeys(features))
    known = [feature for feature in FEATURE_ORDER if feature in present]
    return known + sorted(feature for feature in present if feature not in FEATURE_ORDER)


# Units that read well after a range in a sentence (`до 35 лет`); a score needs none.
CONDITION_UNITS: dict[str, dict[Language, str]] = {
    "age": {"ru": "лет", "en": "years"},
    "balance": {"ru": "руб.", "en": "roubles"},
    "salary": {"ru": "руб.", "en": "roubles"},
}


def condition_text(condition_id: str, figures: ReportFigures, say: ReportText) -> str:
    """A risk condition in words, from the mart row it names: `interval:age:1` reads
    `age up to 35 years`, `level:gender:М` reads `gender: men`."""
    kind, _, rest = condition_id.partition(":")
    language = say.language
    if kind == "interval":
        rows = figures.intervals.loc[figures.intervals["interval_id"] == rest]
        if not rows.empty:
            row = rows.iloc[0]
            feature = str(row["feature"])
            lower, upper = say.number(row["lower_value"]), say.number(row["upper_value"])
            if row["is_open_below"] and row["is_open_above"]:
                shape = "any"
            elif row["is_open_below"]:
                shape = "up_to"
            elif row["is_open_above"]:
                shape = "from"
            else:
                shape = "exactly" if lower == upper else "between"
            name = translate(FEATURE_NAMES, feature, language).lower()
            text = CONDITION_WORDS[shape][language].format(name=name, lower=lower, upper=upper)
            unit = CONDITION_UNITS.get(feature, {}).get(language)
            return f"{text} {unit}" if unit and shape != "any" else text
    if kind == "level":
        feature, _, level = rest.partition(":")
        name = translate(FEATURE_NAMES, feature, language).lower()
        return f"{name}: {level_label(level, language)}"
    return condition_id


def segment_text(segment_id: str, figures: ReportFigures, say: ReportText) -> str:
    return CONDITION_WORDS["and"][say.language].join(
        condition_text(condition.strip(), figures, say) for condition in segment_id.split("&")
    )


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _findings(figures: ReportFigures, say: ReportText) -> list[Block]:
    items = []
    segments = figures.segments.dropna(subset=["churn_rate"])
    if not segments.empty:
        worst = segments.loc[segments["churn_rate"].idxmax()]
        items.append(
            say(
                "finding_segment",
                segment=str(worst["product_segment"]),
                rate=say.percent(worst["churn_rate"]),
                interval=say.interval(worst["churn_rate_lower"], worst["churn_rate_upper"]),
                lift=say.number(worst["lift"], 1),
            )
        )
    if not figures.strategic_segments.empty:
        first = figures.strategic_segments.iloc[0]
        items.append(
            say(
                "finding_pick",
                definition=segment_text(first["segment_id"], figures, say),
                customers=say.number(first["customers"]),
                rate=say.percent(first["churn_rate"]),
                share=say.percent(first["share_of_churners"]),
            )
        )
    deciles = figures.risk_lift
    top = deciles.loc[deciles["risk_decile"] <= TOP_RISK_DECILES]
    if not top.empty and deciles["customers"].sum() > 0:
        items.append(
            say(
                "finding_risk",
                top_share=say.percent(top["customers"].sum() / deciles["customers"].sum()),
                share=say.percent(top["cumulative_share_of_churners"].max()),
            )
        )
    if not figures.hypotheses.empty:
        counts = figures.hypotheses["verdict"].value_counts()
        ordered = [verdict for verdict in VERDICTS if verdict in counts.index]
        ordered += sorted(set(counts.index) - set(VERDICTS))
        items.append(
            say(
                "finding_hypotheses",
                count=say.number(len(figures.hypotheses)),
                verdicts="; ".join(
                    f"{translate(VERDICTS, verdict, say.language)} — {counts[verdict]}"
                    for verdict in ordered
                ),
            )
        )
    return [Heading(say("findings"), 2), BulletList(tuple(items))]


def _reason_name(code: str, description: str, language: Language) -> str:
    # a reason added to the seed later is shown with its own (English) description
    return REASON_NAMES[code][language] if code in REASON_NAMES else description or code


def _quality(figures: ReportFigures, say: ReportText) -> list[Block]:
    rows = figures.rows
    reasons = Table(
        columns=(say("reason"), say("action"), say("rows"), say("share_of_rows")),
        rows=tuple(
            (
                _reason_name(row.reason_code, row.description, say.language),
                say("rejected") if row.is_blocking else say("flagged"),
                say.number(row.row_count),
                say.share(row.share_of_rows_read),
            )
            for row in figures.reasons.itertuples()
        ),
    )
    missing = figures.missing_balance
    return [
        Heading(say("quality"), 2),
        Paragraph(
            say(
                "quality_rows",
                read=say.number(rows.get("rows_read")),
                kept=say.number(rows.get("rows_kept")),
                rejected=say.number(rows.get("rows_rejected")),
            )
        ),
        reasons,
        Paragraph(
            say(
                "missing_balance",
                customers=say.number(missing.customers),
                share=say.percent(missing.share_of_customers),
                equity_without=say.number(missing.mean_equity_without_balance, 1),
                equity_with=say.number(missing.mean_equity_with_balance, 1),
                rate_without=say.percent(missing.churn_rate_without_balance),
                rate_with=say.percent(missing.churn_rate_with_balance),
            )
        ),
    ]


def _segments(figures: ReportFigures, say: ReportText) -> list[Block]:
    segments = figures.segments
    table = Table(
        columns=tuple(
            say(key)
            for key in (
                "products",
                "customers",
                "share_of_customers",
                "churn_rate",
                "interval",
                "lift",
                "share_of_churners",
                "median_age",
                "median_balance",
                "median_salary",
                "share_active",
                "share_card",
            )
        ),
        rows=tuple(
            (
                str(row.product_segment),
                say.number(row.customers),
                say.percent(row.share_of_customers),
                say.percent(row.churn_rate),
                say.interval(row.churn_rate_lower, row.churn_rate_upper),
                say.ratio(row.lift),
                say.percent(row.share_of_churners),
                say.number(row.age_median),
                say.number(row.balance_median),
                say.number(row.salary_median),
                say.percent(row.share_active),
                say.percent(row.share_with_credit_card),
            )
            for row in segments.itertuples()
        ),
    )
    chart = Chart(
        name="product_segments",
        caption=say("segments_chart"),
        png=charts.png(charts.segment_chart(segments, figures.bank.churn_rate, say.language)),
    )
    return [Heading(say("segments"), 2), Paragraph(say("segments_text")), chart, table]


def _profile_value(measure: str, value: float, say: ReportText) -> str:
    if measure.startswith("share_"):
        return say.percent(value)
    return say.number(value, 1 if measure.endswith("_mean") else 0)


def _profile_difference(row: pd.Series, say: ReportText) -> str:
    measure = row["measure"]
    if measure == "customers":
        # how many fewer customers churn than stay is not a difference in profile
        return MISSING
    if measure.startswith("share_"):
        points = say.number((row["churned_value"] - row["retained_value"]) * 100, 1)
        return f"{say.signed(points)} {say('points')}"
    return say.signed(say.percent(row["relative_difference"]))


def _profiles(figures: ReportFigures, say: ReportText) -> list[Block]:
    table = Table(
        columns=(say("measure"), say("churned"), say("retained"), say("difference")),
        rows=tuple(
            (
                measure_name(row["measure"], say.language),
                _profile_value(row["measure"], row["churned_value"], say),
                _profile_value(row["measure"], row["retained_value"], say),
                _profile_difference(row, say),
            )
            for _, row in figures.profiles.iterrows()
        ),
    )
    return [Heading(say("profiles"), 2), Paragraph(say("profiles_text")), table]


def _rate_columns(say: ReportText) -> tuple[str, ...]:
    return tuple(
        say(key) for key in ("customers", "churn_rate", "interval", "lift", "share_of_churners")
    )


def _rate_cells(row: pd.Series, say: ReportText) -> tuple[str, ...]:
    return (
        say.number(row["customers"]),
        say.percent(row["churn_rate"]),
        say.interval(row["churn_rate_lower"], row["churn_rate_upper"]),
        say.ratio(row["lift"]),
        say.percent(row["share_of_churners"]),
    )


def _portrait(figures: ReportFigures, say: ReportText) -> list[Block]:
    portrait = figures.portrait
    language = say.language
    blocks: list[Block] = [Heading(say("portrait"), 2), Paragraph(say("portrait_text"))]
    for feature in ordered_features(portrait["feature"]):
        levels = portrait.loc[portrait["feature"] == feature].sort_values("level_order")
        title = translate(FEATURE_NAMES, feature, language)
        figure = charts.portrait_chart(
            levels,
            [level_label(label, language) for label in levels["level_label"]],
            title.lower() if language == "en" else title,
            feature_axis_label(feature, language),
            figures.bank.churn_rate,
            language,
        )
        blocks.append(
            Chart(name=f"portrait_{_chart_name(feature)}", caption=title, png=charts.png(figure))
        )
    risky = portrait.loc[portrait["is_risk_level"]].sort_values("lift", ascending=False)
    blocks += [
        Heading(say("risk_levels"), 3),
        Table(
            columns=(say("feature"), say("level"), *_rate_columns(say)),
            rows=tuple(
                (
                    translate(FEATURE_NAMES, row["feature"], language),
                    level_label(row["level_label"], language),
                    *_rate_cells(row, say),
                )
                for _, row in risky.iterrows()
            ),
        ),
        Heading(say("intervals"), 3),
        Paragraph(say("intervals_text")),
        Table(
            columns=(say("range"), *_rate_columns(say), say("significant")),
            rows=tuple(
                (
                    _capitalised(condition_text(f"interval:{row['interval_id']}", figures, say)),
                    *_rate_cells(row, say),
                    say("yes") if row["is_significant"] else say("no"),
                )
                for _, row in figures.intervals.iterrows()
            ),
        ),
    ]
    return blocks


def _strategic(figures: ReportFigures, say: ReportText) -> list[Block]:
    picks = figures.strategic_segments
    blocks: list[Block] = [
        Heading(say("strategic"), 2),
        Paragraph(say("strategic_text")),
        Table(
            columns=(say("pick"), say("segment"), *_rate_columns(say), say("overlap")),
            rows=tuple(
                (
                    say.number(row["top_pick_number"]),
                    _capitalised(segment_text(row["segment_id"], figures, say)),
                    *_rate_cells(row, say),
                    say.percent(row["overlap_with_higher_segments"]),
                )
                for _, row in picks.iterrows()
            ),
        ),
    ]
    for _, row in figures.recommendations.iterrows():
        blocks += [
            Heading(
                f"{say.number(row['recommendation_rank'])}. "
                f"{_capitalised(segment_text(row['segment_id'], figures, say))}",
                3,
            ),
            Paragraph(
                say(
                    "recommendation_figures",
                    customers=say.number(row["customers"]),
                    rate=say.percent(row["churn_rate"]),
                    bank_rate=say.percent(figures.bank.churn_rate),
                    excess=say.number(row["excess_churned_customers"]),
                )
            ),
            Paragraph(say.in_language(row, "levers")),
        ]
    blocks += [
        Heading(say("risk_score"), 3),
        Paragraph(say("risk_score_text")),
        Chart(
            name="risk_deciles",
            caption=say("risk_chart"),
            png=charts.png(
                charts.risk_lift_chart(figures.risk_lift, figures.bank.churn_rate, say.language)
            ),
        ),
    ]
    return blocks


def _hypotheses(figures: ReportFigures, say: ReportText) -> list[Block]:
    results = figures.hypotheses
    language = say.language
    alphas = sorted(set(results["alpha"].dropna()))
    blocks: list[Block] = [Heading(say("hypotheses"), 2)]
    if alphas:
        blocks.append(
            Paragraph(
                say("hypotheses_text", alpha=", ".join(say.number(alpha, 2) for alpha in alphas))
            )
        )
    return [
        *blocks,
        Table(
            columns=(say("id"), say("question"), say("test"), say("p_holm"), say("verdict")),
            rows=tuple(
                (
                    str(row["hypothesis_id"]),
                    say.in_language(row, "question"),
                    # a hypothesis the data cannot test ran no test
                    translate(TEST_NAMES, row["primary_test"], language)
                    if pd.notna(row["primary_test"])
                    else MISSING,
                    format_p_value(row["p_value_holm"], language),
                    translate(VERDICTS, row["verdict"], language),
                )
                for _, row in results.iterrows()
            ),
        ),
        Heading(say("conclusions"), 3),
        BulletList(
            tuple(
                f"{row['hypothesis_id']}: {say.in_language(row, 'conclusion')}"
                for _, row in results.iterrows()
            )
        ),
    ]


def _method(figures: ReportFigures, say: ReportText) -> list[Block]:
    return [Heading(say("method"), 2), BulletList(METHOD_ITEMS[say.language])]


SECTIONS: tuple[Callable[[ReportFigures, ReportText], list[Block]], ...] = (
    _findings,
    _quality,
    _segments,
    _profiles,
    _portrait,
    _strategic,
    _hypotheses,
    _method,
)


def build_document(figures: ReportFigures, language: Language) -> Document:
    say = ReportText(language)
    bank = figures.bank
    blocks: list[Block] = [
        Paragraph(
            say(
                "intro",
                customers=say.number(bank.customers),
                churned=say.number(bank.churned_customers),
                rate=say.percent(bank.churn_rate),
            )
        )
    ]
    for section in SECTIONS:
        blocks += section(figures, say)
    return Document(language=language, title=say("title"), blocks=tuple(blocks))
