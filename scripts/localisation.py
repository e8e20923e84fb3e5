"""Words and number formats for what people read: Russian (the bank's language) and English.

Values that come from the data (city names, band labels) are never translated here; only the
project's own vocabulary is: feature names, category levels, test names and verdicts.
"""

from __future__ import annotations

import math
import re
from typing import Literal

Language = Literal["ru", "en"]
LANGUAGES: tuple[Language, ...] = ("ru", "en")
MISSING = "—"

FEATURE_NAMES: dict[str, dict[Language, str]] = {
    "activity": {"ru": "Активность", "en": "Activity"},
    "age": {"ru": "Возраст", "en": "Age"},
    "balance": {"ru": "Остаток", "en": "Balance"},
    "balance_presence": {"ru": "Наличие остатка", "en": "Balance presence"},
    "city": {"ru": "Город", "en": "City"},
    "credit_card": {"ru": "Кредитная карта", "en": "Credit card"},
    "equity": {"ru": "Баллы собственности", "en": "Equity points"},
    "gender": {"ru": "Пол", "en": "Gender"},
    "products": {"ru": "Число продуктов", "en": "Number of products"},
    "salary": {"ru": "Доход", "en": "Salary"},
    "score": {"ru": "Кредитный скоринг", "en": "Credit score"},
}

FEATURE_UNITS: dict[str, dict[Language, str]] = {
    "age": {"ru": "лет", "en": "years"},
    "balance": {"ru": "руб.", "en": "roubles"},
    "salary": {"ru": "руб.", "en": "roubles"},
    "score": {"ru": "баллы", "en": "points"},
}

# Category levels named by the project (bands and data values pass through unchanged).
LEVEL_NAMES: dict[str, dict[Language, str]] = {
    "active": {"ru": "активен", "en": "active"},
    "inactive": {"ru": "неактивен", "en": "inactive"},
    "has a balance": {"ru": "есть остаток", "en": "has a balance"},
    "no balance": {"ru": "нет остатка", "en": "no balance"},
    "credit card": {"ru": "есть карта", "en": "credit card"},
    "no credit card": {"ru": "нет карты", "en": "no credit card"},
    "missing": {"ru": "не указано", "en": "missing"},
    # the gender codes the alias seed maps every spelling to
    "М": {"ru": "мужчины", "en": "men"},
    "Ж": {"ru": "женщины", "en": "women"},
}

TEST_NAMES: dict[str, dict[Language, str]] = {
    "welch_t": {"ru": "t-критерий Уэлча", "en": "Welch's t test"},
    "mann_whitney_u": {"ru": "U-критерий Манна–Уитни", "en": "Mann-Whitney U test"},
    "two_proportion_z": {"ru": "z-критерий для двух долей", "en": "two-proportion z test"},
    "chi_square": {"ru": "критерий хи-квадрат", "en": "chi-square test"},
}

VERDICTS: dict[str, dict[Language, str]] = {
    "supported": {"ru": "подтверждается", "en": "supported"},
    "contradicted": {"ru": "опровергается", "en": "contradicted"},
    "not supported": {"ru": "не подтверждается", "en": "not supported"},
    "difference found": {"ru": "различие есть", "en": "difference found"},
    "no difference found": {"ru": "различие не выявлено", "en": "no difference found"},
    "not testable": {"ru": "не проверяется", "en": "not testable"},
}


REASON_NAMES: dict[str, dict[Language, str]] = {
    "conflicting_customer_key": {
        "ru": "один клиент (id и город) в разных строках с разными данными",
        "en": "one customer (id and city) on several rows with different data",
    },
    "exact_duplicate_row": {"ru": "полный повтор строки", "en": "exact copy of a row"},
    "missing_required_value": {
        "ru": "пусто обязательное поле",
        "en": "a required field is empty",
    },
    "no_products": {"ru": "нет ни одного продукта", "en": "no products"},
    "not_a_number": {"ru": "текст вместо числа", "en": "text where a number belongs"},
    "out_of_range": {"ru": "значение вне допустимого диапазона", "en": "value out of range"},
    "too_many_decimals": {"ru": "лишние знаки после запятой", "en": "too many decimals"},
    "unknown_category": {"ru": "неизвестный город или пол", "en": "unknown city or gender"},
    "wrong_field_count": {"ru": "неверное число полей в строке", "en": "wrong number of fields"},
    "extreme_value": {
        "ru": "экстремальный остаток или доход (помечен)",
        "en": "extreme balance or salary (flagged)",
    },
    "missing_optional_value": {
        "ru": "пропуск возраста или остатка (сохранён как пропуск)",
        "en": "missing age or balance (kept as missing)",
    },
    "shared_user_id": {
        "ru": "один id у клиентов разных городов",
        "en": "one user id shared by customers of two cities",
    },
}

STATISTIC_NAMES: dict[str, dict[Language, str]] = {
    "p25": {"ru": "25-й перцентиль", "en": "25th percentile"},
    "median": {"ru": "медиана", "en": "median"},
    "p75": {"ru": "75-й перцентиль", "en": "75th percentile"},
    "mean": {"ru": "среднее", "en": "mean"},
}

PROFILE_MEASURE_NAMES: dict[str, dict[Language, str]] = {
    "customers": {"ru": "Клиентов", "en": "Customers"},
    "share_with_balance": {"ru": "Доля с остатком", "en": "Share with a balance"},
    "share_with_credit_card": {"ru": "Доля с кредитной картой", "en": "Share with a credit card"},
    "share_active": {"ru": "Доля активных", "en": "Share active"},
    "share_male": {"ru": "Доля мужчин", "en": "Share of men"},
}


def translate(table: dict[str, dict[Language, str]], key: str, language: Language) -> str:
    """The project's word for `key`; an unknown key is data and is shown as it is."""
    return table.get(key, {}).get(language, key)


# Registry metrics named after dim_customers columns, where the column and the feature differ.
METRIC_FEATURES = {"est_salary": "salary"}


def metric_unit(metric: str, language: Language) -> str | None:
    """The unit of a dim_customers column (`est_salary` is in roubles), if it has one."""
    return FEATURE_UNITS.get(METRIC_FEATURES.get(metric, metric), {}).get(language)


def level_label(label: str, language: Language) -> str:
    """A level of a portrait feature: the project's words translated, bands put in words."""
    return LEVEL_NAMES[label][language] if label in LEVEL_NAMES else band_label(label, language)


def feature_axis_label(feature: str, language: Language) -> str:
    """The feature's name with its unit, as on a chart axis: `Остаток, руб.`."""
    name = translate(FEATURE_NAMES, feature, language)
    unit = FEATURE_UNITS.get(feature, {}).get(language)
    return f"{name}, {unit}" if unit else name


def measure_name(measure: str, language: Language) -> str:
    """A profile measure in words: `balance_median` reads `Остаток: медиана`."""
    if measure in PROFILE_MEASURE_NAMES:
        return PROFILE_MEASURE_NAMES[measure][language]
    feature, _, statistic = measure.rpartition("_")
    if feature and statistic in STATISTIC_NAMES:
        return f"{feature_axis_label(feature, language)}: {STATISTIC_NAMES[statistic][language]}"
    return measure


def format_number(value: float | None, language: Language, digits: int = 0) -> str:
    """Grouped thousands and the language's marks: 1 234,5 and −5 in Russian, 1,234.5 in English."""
    if value is None or math.isnan(value):
        return MISSING
    text = f"{value:,.{digits}f}"
    if language == "ru":
        # a narrow no-break space groups thousands, a comma marks decimals, a minus sign negatives
        text = text.replace(",", "\u202f").replace(".", ",").replace("-", "\u2212")
    return text


def format_percent(value: float | None, language: Language, digits: int = 1) -> str:
    if value is None or math.isnan(value):
        return MISSING
    return f"{format_number(value * 100, language, digits)}%"


SMALLEST_P_VALUE_SHOWN = 0.001


def format_p_value(value: float | None, language: Language) -> str:
    """Two significant digits; below 0.001 only `< 0.001`, since smaller values tell a reader no
    more and the normal approximations behind them are not that exact."""
    if value is None or math.isnan(value):
        return MISSING
    if value < SMALLEST_P_VALUE_SHOWN:
        return f"< {format_number(SMALLEST_P_VALUE_SHOWN, language, 3)}"
    text = f"{value:.2g}"
    return text.replace(".", ",") if language == "ru" else text


def p_phrase(value: float | None, language: Language) -> str:
    """`p = 0.13` or `p < 0.001`."""
    shown = format_p_value(value, language)
    return f"p {shown}" if shown.startswith("<") else f"p = {shown}"


BAND_UNITS_RU = {"k": "тыс.", "M": "млн"}
BAND_AMOUNT = re.compile(r"(\d+)([kM])")


def band_label(label: str, language: Language) -> str:
    """A band from the band_edges seed in the reader's words: `500k-1M` reads `500 тыс.–1 млн`,
    `<750` reads `до 750` and `65+` reads `от 65` in Russian; English keeps the seed's label with
    an en dash. Labels not in that shape (a city) pass through unchanged."""
    if language == "en":
        return re.sub(r"(?<=\w)-(?=\w)", "–", label)
    text = BAND_AMOUNT.sub(lambda match: f"{match[1]} {BAND_UNITS_RU[match[2]]}", label)
    text = re.sub(r"(?<=[\w.])-(?=\d)", "–", text)
    if text.startswith("<"):
        return f"до {text[1:]}"
    if text.endswith("+"):
        return f"от {text[:-1]}"
    return text
