"""Columns, labels and array types of the customer file, shared by every generator module.

City and gender are generated as small integer codes into the label tables below, so that planted
label defects are just other codes and the numeric work stays in numpy.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
# One array per column, all of one length; a missing number is NaN.
Columns = dict[str, npt.NDArray[np.generic]]

# The real file's header, in its order and spelling.
HEADER: tuple[str, ...] = (
    "USERID",
    "score",
    "city",
    "gender",
    "age",
    "equity",
    "balance",
    "products",
    "credit_card",
    "last_activity",
    "EST_SALARY",
    "churn",
)

# Codes 0..2 are the real cities; 3 and 4 only ever appear through planted defects.
CITY_LABELS: tuple[str, ...] = ("Ярославль", "Рыбинск", "Ростов", "ярославль ", "Москва")
YAROSLAVL, RYBINSK, ROSTOV, CITY_CASE_SPACE, CITY_UNKNOWN = range(5)
# Codes 0..1 are the real Cyrillic letters; 2 (Latin M) and 3 (lowercase ж) are planted defects.
# The two M's look alike, so they are spelled by name.
GENDER_LABELS: tuple[str, ...] = (
    "Ж",
    "\N{CYRILLIC CAPITAL LETTER EM}",
    "\N{LATIN CAPITAL LETTER M}",
    "ж",
)
FEMALE, MALE, GENDER_LATIN_M, GENDER_LOWER_F = range(4)
