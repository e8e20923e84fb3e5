"""Deterministic synthetic customers shaped like the bank's ``bank_scrooge.csv``.

The project must not ship the bank's real snapshot, yet its models and tests need a file with the
same columns, the same way of writing values, the same statistical shape and the same defects.
The modules here draw such a file from parametric distributions only; every figure taken from the
real file is a calibration constant (a rate, a quantile or a fitted coefficient), never a row.

- ``schema``: columns, labels and array types shared by the other modules.
- ``calibration``: the calibration constants.
- ``streams``: the independent random streams that make any chunk reproducible on its own.
- ``customers``: clean customers (features, then churn) drawn block by block.
- ``ids``: customer ids, unique at any scale without remembering the ids already used.
- ``defects``: the defects planted in the file, where they go and how they change a row.
- ``chunks``: final rows (clean customers, ids, defects) for any range of rows.
- ``writer``: CSV and Parquet output, one chunk in memory at a time.

``scripts.generate_customers`` is the command line.
"""
