"""Calibration constants: what the synthetic customers take from the bank's real file.

Every figure here was measured on the bank's snapshot (bank_scrooge.csv, 10,000 rows) or fitted
to it: rates, quantile tables and regression coefficients, never a row. They live apart from the
code that draws customers so that recalibrating touches only this module.
"""

from __future__ import annotations

P_MALE = 0.5005
# Real shares are 0.5888 / 0.2695 / 0.1417; these are set a little apart so that they come out
# after the duplicate-id pairs (1.46% of rows) are moved to Рыбинск and Ярославль half and half.
CITY_SHARES: tuple[float, ...] = (0.5901, 0.2661, 0.1438)

# Equity 0..9 by city: Ярославль has more equity-0 (and so missing-balance) customers.
EQUITY_BY_CITY: tuple[tuple[float, ...], ...] = (
    (0.2756, 0.0724, 0.1017, 0.1488, 0.1800, 0.1934, 0.0166, 0.0083, 0.0017, 0.0014),
    (0.2539, 0.0835, 0.1073, 0.1533, 0.1934, 0.1863, 0.0130, 0.0071, 0.0015, 0.0007),
    (0.2011, 0.0868, 0.1157, 0.1785, 0.1898, 0.1955, 0.0198, 0.0085, 0.0021, 0.0021),
)

# Missing balance is a property of customers without assets: 2,180 of 2,295 sit at equity 0.
P_BALANCE_MISSING_BY_EQUITY: tuple[float, ...] = (0.841, 0.1473, 0, 0, 0, 0, 0, 0, 0, 0)

# Products 1..5. Missing-balance customers are nearly all one-product.
PRODUCTS_IF_BALANCE_MISSING: tuple[float, ...] = (0.8500, 0.1373, 0.0127, 0.0, 0.0)
# Rows: equity 0..6 and 7+ (with a balance); columns: products 1..5.
PRODUCTS_BY_EQUITY: tuple[tuple[float, ...], ...] = (
    (0.2985, 0.5971, 0.0752, 0.0292, 0.0000),
    (0.2379, 0.6348, 0.1045, 0.0198, 0.0030),
    (0.1825, 0.6740, 0.1112, 0.0304, 0.0019),
    (0.1868, 0.6368, 0.1291, 0.0454, 0.0019),
    (0.1627, 0.6162, 0.1486, 0.0698, 0.0027),
    (0.1481, 0.6142, 0.1460, 0.0881, 0.0036),
    (0.1677, 0.4969, 0.1553, 0.1801, 0.0000),
    (0.1727, 0.5182, 0.1273, 0.1818, 0.0000),
)

# P(credit card) by [balance missing][products 1..5][female, male]: men hold more cards.
CREDIT_CARD_RATE: tuple[tuple[tuple[float, float], ...], ...] = (
    ((0.921, 0.929), (0.547, 0.686), (0.299, 0.421), (0.606, 0.748), (0.95, 0.95)),
    ((0.794, 0.841), (0.822, 0.811), (0.560, 0.560), (0.80, 0.80), (0.80, 0.80)),
)
# P(active in the last period) by products 1..5.
ACTIVITY_RATE: tuple[float, ...] = (0.528, 0.516, 0.417, 0.789, 0.895)

# Marginal quantile tables, read at these cumulative probabilities.
QUANTILE_PROBS: tuple[float, ...] = (
    0, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5,
    0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.975, 0.99, 0.995, 0.999, 1,
)  # fmt: skip
# Age by gender: women are older (median 43 against 38) with a longer right tail.
AGE_QUANTILES: tuple[tuple[float, ...], ...] = (
    (18.0, 19.0, 21.9, 23.0, 25.0, 28.0, 30.0, 32.0, 33.0, 35.0, 36.0, 38.0, 39.0, 41.0, 43.0,
     45.0, 47.0, 50.0, 53.0, 56.0, 58.8, 61.0, 64.0, 68.0, 72.0, 75.0, 78.0, 83.0, 86.0),
    (18.0, 18.0, 20.0, 22.0, 24.0, 26.0, 28.0, 30.0, 31.0, 32.0, 34.0, 35.0, 36.0, 37.0, 38.0,
     40.0, 41.0, 43.0, 44.0, 47.0, 50.0, 53.0, 56.0, 60.0, 63.0, 67.1, 69.0, 72.0, 74.0),
)  # fmt: skip
# Score of customers with a balance, and of those without one (bimodal: a quarter below 750).
SCORE_QUANTILES: tuple[float, ...] = (
    689.0, 716.7, 732.0, 739.0, 750.0, 761.0, 774.0, 784.0, 793.0, 801.0, 809.0, 817.0, 825.0,
    833.0, 840.0, 849.0, 856.0, 864.0, 873.0, 882.0, 892.0, 903.0, 917.0, 940.0, 964.0, 982.0,
    989.0, 998.3, 1000.0,
)  # fmt: skip
SCORE_QUANTILES_NO_BALANCE: tuple[float, ...] = (
    642.0, 646.0, 649.0, 652.0, 661.0, 689.0, 708.0, 724.0, 742.0, 871.0, 884.0, 889.0, 894.0,
    898.0, 903.0, 906.0, 911.0, 914.0, 918.0, 922.0, 927.0, 934.0, 941.0, 952.0, 960.0, 970.1,
    977.1, 984.4, 990.0,
)  # fmt: skip
# Natural log of balance (heavy tail: median 524k, max 119M) and of salary.
LOG_BALANCE_QUANTILES: tuple[float, ...] = (
    0.0, 3.258, 8.67, 10.055, 10.97, 11.514, 11.978, 12.248, 12.453, 12.597, 12.729, 12.835,
    12.947, 13.054, 13.17, 13.287, 13.4, 13.53, 13.657, 13.796, 13.934, 14.06, 14.194, 14.565,
    14.948, 15.39, 15.726, 16.73, 18.596,
)  # fmt: skip
LOG_SALARY_QUANTILES: tuple[float, ...] = (
    7.842, 9.008, 9.507, 9.692, 10.02, 10.29, 10.611, 10.822, 10.978, 11.121, 11.227, 11.325,
    11.415, 11.494, 11.573, 11.656, 11.732, 11.806, 11.873, 11.951, 12.03, 12.119, 12.245,
    12.435, 12.661, 13.224, 13.682, 13.942, 14.148,
)  # fmt: skip
LOG_SALARY_QUANTILES_NO_BALANCE: tuple[float, ...] = (
    9.917, 9.951, 10.319, 10.519, 10.858, 11.078, 11.318, 11.46, 11.597, 11.699, 11.792, 11.865,
    11.939, 12.003, 12.068, 12.117, 12.183, 12.247, 12.316, 12.389, 12.474, 12.616, 12.853,
    13.497, 13.728, 13.89, 13.945, 14.075, 14.103,
)  # fmt: skip

# Copula: least-squares fits on the normal scores of the real columns (customers with a balance
# unless said). Equity terms are indexed 0..6, 7+; product terms by products 1..5.
SCORE_LATENT_CONST = -0.597
SCORE_LATENT_EQUITY: tuple[float, ...] = (0.0, 0.117, 0.178, 0.378, 0.672, 0.914, 0.839, 1.009)
SCORE_LATENT_PRODUCTS: tuple[float, ...] = (0.0, 0.073, -0.099, 0.541, 0.301)
SCORE_LATENT_NOISE = 0.936

SALARY_LATENT_CONST = 0.346
SALARY_LATENT_AGE = (0.173, -0.254)  # linear and quadratic in (age - 42) / 10: peaks mid-life
SALARY_LATENT_SCORE = 0.282
SALARY_LATENT_MALE = 0.134
SALARY_LATENT_EQUITY: tuple[float, ...] = (
    0.0, -0.067, -0.041, -0.045, -0.045, -0.022, -0.124, -0.296,
)  # fmt: skip
SALARY_LATENT_NOISE = 0.856
# Missing-balance customers: salary hardly depends on their score.
SALARY_NB_LATENT_CONST = 0.187
SALARY_NB_LATENT_AGE = (0.180, -0.192)
SALARY_NB_LATENT_SCORE = 0.124
SALARY_NB_LATENT_MALE = 0.152
SALARY_NB_LATENT_NOISE = 0.931

BALANCE_LATENT_CONST = -1.366
BALANCE_LATENT_EQUITY: tuple[float, ...] = (0.0, 0.415, 0.889, 1.266, 1.506, 1.693, 1.376, 1.374)
BALANCE_LATENT_PRODUCTS: tuple[float, ...] = (0.0, 0.142, 0.330, 0.395, -0.264)
BALANCE_LATENT_AGE = (0.229, -0.048)
BALANCE_LATENT_SCORE = 0.212
BALANCE_LATENT_SALARY = 0.261
BALANCE_LATENT_MALE = 0.041
BALANCE_LATENT_NOISE = 0.666

# A latent above is a normal plus a discrete shift, so it is only roughly standard normal: its
# upper tail in particular is too thin, which would lose the balance outliers. Each table is
# therefore read at the latent's own cumulative probabilities for QUANTILE_PROBS, measured once
# on 1,000,000 generated rows, so the output marginal follows the real quantiles.
# The score latent is normal enough to read at QUANTILE_PROBS directly.
SALARY_KNOTS: tuple[float, ...] = (
    0, 0.00013362, 0.0022731, 0.0063131, 0.020904, 0.047077, 0.10038, 0.15414, 0.20711, 0.25913,
    0.31073, 0.36182, 0.41251, 0.4621, 0.51157, 0.56056, 0.60966, 0.65798, 0.70623, 0.75376,
    0.80115, 0.84885, 0.89694, 0.94634, 0.97178, 0.98781, 0.99347, 0.99849, 1,
)  # fmt: skip
SALARY_KNOTS_NO_BALANCE: tuple[float, ...] = (
    0, 0.00058774, 0.0037031, 0.0082315, 0.022933, 0.047673, 0.097955, 0.14894, 0.19997, 0.25106,
    0.30121, 0.35169, 0.40196, 0.45174, 0.50134, 0.55115, 0.60032, 0.64897, 0.69898, 0.74796,
    0.79742, 0.84715, 0.89692, 0.94681, 0.97304, 0.98868, 0.99401, 0.9988, 1,
)  # fmt: skip
BALANCE_KNOTS: tuple[float, ...] = (
    0, 0.00058354, 0.0031959, 0.0068323, 0.019613, 0.043181, 0.094697, 0.14878, 0.20305, 0.25757,
    0.31123, 0.36406, 0.41597, 0.46735, 0.51722, 0.5665, 0.61483, 0.66251, 0.7097, 0.75609,
    0.80206, 0.848, 0.89384, 0.94162, 0.9672, 0.98446, 0.99101, 0.99744, 1,
)  # fmt: skip

# Churn log-odds. Logistic regression on the real file (numpy IRLS); the categorical tables were
# then raked on 500,000 generated rows until churn by products, gender, equity, activity, card,
# balance presence, age band, score band and city matched the real rates, and the balance and
# salary slopes raised until churners' median balance (783k against 475k) and the equal salary
# means of churners and stayers came out as in the real file.
CHURN_INTERCEPT = -2.222
CHURN_BY_PRODUCTS: tuple[float, ...] = (0.0, -0.006, 0.477, 1.790, 1.249)
CHURN_MALE = 0.991
CHURN_BY_EQUITY: tuple[float, ...] = (0.0, -0.620, -0.721, -0.620, -0.669, -0.601, -0.223, 0.405)
CHURN_ACTIVE = 1.130
CHURN_CREDIT_CARD = -0.751
CHURN_BALANCE_MISSING = -4.728
# Terms in log(balance) - 13 (clipped at +-3 for the square) and log(salary) - 11.6.
CHURN_LOG_BALANCE = (0.45, 0.107)
CHURN_LOG_SALARY = (0.338, -0.148)
CHURN_AGE_EDGES: tuple[float, ...] = (25, 30, 35, 40, 45, 50, 55, 60, 65, 70)
# Two peaks, 25-35 and 50-60, as in the real file.
CHURN_BY_AGE: tuple[float, ...] = (
    0.614, 0.967, 0.510, 0.0, -0.406, -0.101, 0.863, 1.008, -0.625, -1.279, -1.758,
)  # fmt: skip
CHURN_SCORE_EDGES: tuple[float, ...] = (750, 800, 825, 850, 875, 900, 925, 950)
CHURN_BY_SCORE: tuple[float, ...] = (-0.379, -0.333, 0.0, 0.290, 0.696, 0.819, 0.787, 0.744, -1.045)
CHURN_BY_CITY: tuple[float, ...] = (0.0, -0.283, -0.135)
