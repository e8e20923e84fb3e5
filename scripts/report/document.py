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
    LEVEL_NAMES,
    MISSING,
    REASON_NAMES,
    TEST_NAMES,
    VERDICTS,
    Language,
    feature_axis_label,
    format_number,
    format_p_value,
    format_percent,
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
        "ru": "Отчёт собран из витрин хранилища после dbt build и проверки гипотез. "
        "В анализе {customers} клиентов, из них ушли {churned} ({rate}).",
        "en": "Built from the warehouse's marts after dbt build and the hypothesis tests. "
        "The analysis covers {customers} customers, of whom {churned} left ({rate}).",
    },
    "findings": {"ru": "Главное", "en": "Key findings"},
    "finding_segment": {
        "ru": "Сильнее всего уходят клиенты с числом продуктов {segment}: отток {rate} "
        "(95% ДИ {interval}), в {lift} раза выше, чем по банку.",
        "en": "Customers with {segment} products leave most: churn {rate} (95% CI {interval}), "
        "{lift} times the bank's rate.",
    },
    "finding_pick": {
        "ru": "Крупнейший сегмент риска — «{definition}»: {customers} клиентов, отток {rate}, "
        "{share} всех ушедших.",
        "en": "The largest risk segment is '{definition}': {customers} customers, churn {rate}, "
        "{share} of all churners.",
    },
    "finding_risk": {
        "ru": "Два верхних дециля оценки риска содержат {share} ушедших клиентов.",
        "en": "The top two risk-score deciles hold {share} of the customers who left.",
    },
    "finding_hypotheses": {
        "ru": "Проверено гипотез: {count}; итоги: {verdicts}.",
        "en": "Hypotheses tested: {count}; verdicts: {verdicts}.",
    },
    "quality": {"ru": "1. Данные и их качество", "en": "1. The data and its quality"},
    "quality_rows": {
        "ru": "Прочитано строк: {read}. Приняты как клиенты: {kept}. В карантине: {rejected} "
        "(таблица fct_rejected_rows хранит их исходный текст и причины). Ни одна строка не "
        "теряется: прочитано = принято + в карантине.",
        "en": "Rows read: {read}. Kept as customers: {kept}. Quarantined: {rejected} "
        "(fct_rejected_rows keeps their raw text and reasons). No row is lost: read = kept + "
        "quarantined.",
    },
    "reason": {"ru": "Причина", "en": "Reason"},
    "action": {"ru": "Действие", "en": "Action"},
    "rows": {"ru": "Строк", "en": "Rows"},
    "share_of_rows": {"ru": "Доля строк", "en": "Share of rows"},
    "rejected": {"ru": "в карантин", "en": "quarantined"},
    "flagged": {"ru": "сохранена с флагом", "en": "kept, flagged"},
    "missing_balance": {
        "ru": "Остаток не указан у {customers} клиентов ({share}); у {low_equity} из них баллы "
        "собственности не выше {limit}. Отток без остатка {rate_without} против {rate_with} у "
        "клиентов с остатком: пропуск не случаен, поэтому он не заполняется, а клиенты "
        "сохранены с признаком has_balance.",
        "en": "The balance is missing for {customers} customers ({share}); {low_equity} of them "
        "have equity of at most {limit}. Churn without a balance is {rate_without} against "
        "{rate_with} with one: the gap is not random, so it is not filled in, and these "
        "customers are kept with the has_balance flag.",
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
    "median_age": {"ru": "Медиана возраста", "en": "Median age"},
    "median_balance": {"ru": "Медиана остатка, руб.", "en": "Median balance, roubles"},
    "median_salary": {"ru": "Медиана дохода, руб.", "en": "Median salary, roubles"},
    "share_active": {"ru": "Активных", "en": "Active"},
    "share_card": {"ru": "С картой", "en": "With a card"},
    "profiles": {"ru": "3. Ушедшие и оставшиеся", "en": "3. Churned and retained customers"},
    "profiles_text": {
        "ru": "Профиль ушедших и оставшихся клиентов по всему банку; разница — на сколько "
        "процентов значение у ушедших больше (или меньше) значения у оставшихся.",
        "en": "Who leaves and who stays, across the bank; the difference is how much larger "
        "(or smaller) the churners' value is, in percent of the retained customers' value.",
    },
    "measure": {"ru": "Показатель", "en": "Measure"},
    "churned": {"ru": "Ушедшие", "en": "Churned"},
    "retained": {"ru": "Оставшиеся", "en": "Retained"},
    "difference": {"ru": "Разница", "en": "Difference"},
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
    "intervals": {"ru": "Интервалы оттока", "en": "Churn intervals"},
    "intervals_text": {
        "ru": "Диапазоны значений, найденные по данным, где отток выше среднего по банку "
        "(соседние квантильные интервалы с оттоком выше среднего объединены).",
        "en": "Value ranges, found from the data, where churn runs above the bank's rate "
        "(adjacent quantile bins above the rate are merged).",
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
    "overlap": {"ru": "Пересечение с предыдущими", "en": "Overlap with earlier picks"},
    "recommendation_figures": {
        "ru": "{customers} клиентов, отток {rate} против {bank_rate} по банку; сверх среднего "
        "уходят около {excess} клиентов.",
        "en": "{customers} customers, churn {rate} against the bank's {bank_rate}; about "
        "{excess} more leave than the bank's rate would predict.",
    },
    "risk_score": {"ru": "Оценка риска", "en": "Risk score"},
    "risk_score_text": {
        "ru": "Каждому клиенту дана объяснимая оценка риска по признакам выше. Отток по "
        "децилям оценки измерен на тех же данных (in-sample), поэтому это описание, а не "
        "проверенный прогноз.",
        "en": "Every customer has an explainable risk score built from the conditions above. "
        "Churn by score decile is measured on the same data (in-sample): a description, not a "
        "validated forecast.",
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
    "method_items": {
        "ru": "Файл читается целиком как текст; каждая строка либо становится клиентом, либо "
        "попадает в карантин с причиной.|"
        "Доли оттока даны с 95% доверительными интервалами Уилсона; лифт — отток группы, "
        "делённый на отток по банку.|"
        "Интервалы оттока ищутся по квантильным корзинам каждого непрерывного признака.|"
        "Числовые признаки сравниваются t-критерием Уэлча и U-критерием Манна–Уитни (основной "
        "выбирается по размеру групп и асимметрии), доли — z-критерием, несколько групп — "
        "критерием хи-квадрат; статистики считаются в DuckDB.|"
        "Пороги (размер сегмента, лифт, число корзин) — переменные dbt в dbt_project.yml.",
        "en": "The file is read whole as text; every row either becomes a customer or is "
        "quarantined with its reason.|"
        "Churn rates come with 95% Wilson intervals; lift is a group's churn over the bank's.|"
        "Churn intervals are found over quantile bins of every continuous feature.|"
        "Numeric metrics are compared with Welch's t and Mann-Whitney U (the primary one "
        "chosen by group size and skewness), rates with a z test, several groups with a "
        "chi-square test; the statistics are computed in DuckDB.|"
        "Thresholds (segment size, lift, number of bins) are dbt vars in dbt_project.yml.",
    },
}


SMALLEST_SHOWN_SHARE = 0.001


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

    def interval(self, lower: float | None, upper: float | None) -> str:
        return f"{self.percent(lower)}–{self.percent(upper)}"

    def ratio(self, value: float | None) -> str:
        return self.number(value, 2)


def _chart_name(feature: str) -> str:
    return re.sub(r"[^a-z0-9_]+", "_", feature.lower())


def ordered_features(features: Iterable[str]) -> list[str]:
    present = list(dict.fromkeys(features))
    known = [feature for feature in FEATURE_ORDER if feature in present]
    return known + sorted(feature for feature in present if feature not in FEATURE_ORDER)


def condition_text(condition_id: str, figures: ReportFigures, say: ReportText) -> str:
    """A risk condition in words, from the mart row it names (`interval:age:1` → `age up to 35`)."""
    kind, _, rest = condition_id.partition(":")
    language = say.language
    if kind == "interval":
        rows = figures.intervals.loc[figures.intervals["interval_id"] == rest]
        if not rows.empty:
            row = rows.iloc[0]
            name = translate(FEATURE_NAMES, row["feature"], language).lower()
            lower, upper = say.number(row["lower_value"]), say.number(row["upper_value"])
            if row["is_open_below"] and row["is_open_above"]:
                return {"ru": f"{name}: любое значение", "en": f"any {name}"}[language]
            if row["is_open_below"]:
                return {"ru": f"{name} до {upper}", "en": f"{name} up to {upper}"}[language]
            if row["is_open_above"]:
                return {"ru": f"{name} от {lower}", "en": f"{name} from {lower}"}[language]
            return f"{name} {lower}" if lower == upper else f"{name} {lower}–{upper}"
    if kind == "level":
        feature, _, level = rest.partition(":")
        name = translate(FEATURE_NAMES, feature, language).lower()
        return f"{name}: {translate(LEVEL_NAMES, level, language)}"
    return condition_id


def segment_text(segment_id: str, figures: ReportFigures, say: ReportText) -> str:
    conjunction = {"ru": " и ", "en": " and "}[say.language]
    return conjunction.join(
        condition_text(condition.strip(), figures, say) for condition in segment_id.split("&")
    )


def _findings(figures: ReportFigures, say: ReportText) -> list[Block]:
    items = []
    segments = figures.segments
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
    top_two = figures.risk_lift.loc[figures.risk_lift["risk_decile"] == 2]
    if not top_two.empty:
        items.append(
            say("finding_risk", share=say.percent(top_two.iloc[0]["cumulative_share_of_churners"]))
        )
    verdicts = figures.hypotheses["verdict"].value_counts(sort=False)
    items.append(
        say(
            "finding_hypotheses",
            count=say.number(len(figures.hypotheses)),
            verdicts=", ".join(
                f"{translate(VERDICTS, verdict, say.language)}: {count}"
                for verdict, count in verdicts.items()
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
                low_equity=say.percent(missing.share_with_low_equity),
                limit=say.number(missing.low_equity_limit),
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
        png=charts.segment_chart(segments, figures.bank.churn_rate, say.language),
    )
    return [Heading(say("segments"), 2), Paragraph(say("segments_text")), chart, table]


def _profile_value(measure: str, value: float, say: ReportText) -> str:
    if measure.startswith("share_"):
        return say.percent(value)
    return say.number(value, 1 if measure.endswith("_mean") else 0)


def _profiles(figures: ReportFigures, say: ReportText) -> list[Block]:
    table = Table(
        columns=(say("measure"), say("churned"), say("retained"), say("difference")),
        rows=tuple(
            (
                measure_name(row.measure, say.language),
                _profile_value(row.measure, row.churned_value, say),
                _profile_value(row.measure, row.retained_value, say),
                # how many fewer customers churn than stay is not a difference in profile
                MISSING if row.measure == "customers" else say.percent(row.relative_difference),
            )
            for row in figures.profiles.itertuples()
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
        blocks.append(
            Chart(
                name=f"portrait_{_chart_name(feature)}",
                caption=title,
                png=charts.portrait_chart(
                    levels,
                    [translate(LEVEL_NAMES, label, language) for label in levels["level_label"]],
                    title.lower() if language == "en" else title,
                    feature_axis_label(feature, language),
                    figures.bank.churn_rate,
                    language,
                ),
            )
        )
    risky = portrait.loc[portrait["is_risk_level"]].sort_values("lift", ascending=False)
    blocks += [
        Heading(say("risk_levels"), 3),
        Table(
            columns=(say("feature"), say("level"), *_rate_columns(say)),
            rows=tuple(
                (
                    translate(FEATURE_NAMES, row["feature"], language),
                    translate(LEVEL_NAMES, row["level_label"], language),
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
                    condition_text(f"interval:{row['interval_id']}", figures, say),
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
                    segment_text(row["segment_id"], figures, say),
                    *_rate_cells(row, say),
                    say.percent(row["overlap_with_higher_segments"]),
                )
                for _, row in picks.iterrows()
            ),
        ),
    ]
    levers = "levers_ru" if say.language == "ru" else "levers_en"
    for _, row in figures.recommendations.iterrows():
        blocks += [
            Heading(
                f"{say.number(row['recommendation_rank'])}. "
                f"{segment_text(row['segment_id'], figures, say)}",
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
            Paragraph(str(row[levers])),
        ]
    blocks += [
        Heading(say("risk_score"), 3),
        Paragraph(say("risk_score_text")),
        Chart(
            name="risk_deciles",
            caption=say("risk_chart"),
            png=charts.risk_lift_chart(figures.risk_lift, figures.bank.churn_rate, say.language),
        ),
    ]
    return blocks


def _hypotheses(figures: ReportFigures, say: ReportText) -> list[Block]:
    results = figures.hypotheses
    language = say.language
    question = "question_ru" if language == "ru" else "question"
    conclusion = "conclusion_ru" if language == "ru" else "conclusion"
    alphas = sorted(set(results["alpha"]))
    return [
        Heading(say("hypotheses"), 2),
        Paragraph(
            say("hypotheses_text", alpha=", ".join(say.number(alpha, 2) for alpha in alphas))
        ),
        Table(
            columns=(say("id"), say("question"), say("test"), say("p_holm"), say("verdict")),
            rows=tuple(
                (
                    str(row["hypothesis_id"]),
                    str(row[question]),
                    translate(TEST_NAMES, row["primary_test"], language),
                    format_p_value(row["p_value_holm"], language),
                    translate(VERDICTS, row["verdict"], language),
                )
                for _, row in results.iterrows()
            ),
        ),
        Heading(say("conclusions"), 3),
        BulletList(
            tuple(f"{row['hypothesis_id']}: {row[conclusion]}" for _, row in results.iterrows())
        ),
    ]


def _method(figures: ReportFigures, say: ReportText) -> list[Block]:
    return [Heading(say("method"), 2), BulletList(tuple(say("method_items").split("|")))]


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
