"""Words and number formats for what people read: Russian (the bank's language) and English.

Values that come from the data (city names, band labels) are never translated here; only the
project's own vocabulary is: feature names, category levels, test names and verdicts.
"""

from __future__ import annotations

import math
from typing import Literal

Language = Literal["ru", "en"]
LANGUAGES: tuple[Language, ...] = ("ru", "en")
MISSING = "—"

FEATURE_NAMES: dict[str, dict[Language, str]] = {
    "activity": {"ru": "Активность", "en": "Activity"},
    "age": {"ru": "Возраст, лет", "en": "Age, years"},
    "balance": {"ru": "Остаток, руб.", "en": "Balance, roubles"},
    "balance_presence": {"ru": "Наличие остатка", "en": "Balance presence"},
    "city": {"ru": "Город", "en": "City"},
    "credit_card": {"ru": "Кредитная карта", "en": "Credit card"},
    "equity": {"ru": "Баллы собственности", "en": "Equity points"},
    "gender": {"ru": "Пол", "en": "Gender"},
    "products": {"ru": "Число продуктов", "en": "Number of products"},
    "salary": {"ru": "Доход, руб.", "en": "Salary, roubles"},
    "score": {"ru": "Кредитный скоринг, баллы", "en": "Credit score, points"},
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
    "no difference found": {"ru": "различия нет", "en": "no difference found"},
}


def translate(table: dict[str, dict[Language, str]], key: str, language: Language) -> str:
    """The project's word for `key`; an unknown key is data and is shown as it is."""
    return table.get(key, {}).get(language, key)


def format_number(value: float | None, language: Language, digits: int = 0) -> str:
    """Grouped thousands and the language's decimal mark: 1 234,5 in Russian, 1,234.5 in English."""
    if value is None or math.isnan(value):
        return MISSING
    text = f"{value:,.{digits}f}"
    if language == "ru":
        # a narrow no-break space groups thousands in Russian typography
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def format_percent(value: float | None, language: Language, digits: int = 1) -> str:
    if value is None or math.isnan(value):
        return MISSING
    return f"{format_number(value * 100, language, digits)}%"


def format_p_value(value: float | None, language: Language) -> str:
    """Two significant digits, in scientific notation below 0.001 (p = 1.5e-44)."""
    if value is None or math.isnan(value):
        return MISSING
    text = f"{value:.2g}" if value >= 0.001 else f"{value:.1e}"
    return text.replace(".", ",") if language == "ru" else text
