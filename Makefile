# The two commands of the quick start: `make run` builds everything, `make test` checks everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SQL_PATHS := models tests analyses

export DBT_SEND_ANONYMOUS_USAGE_STATS := False
export DBT_PROFILES_DIR := $(CURDIR)

.PHONY: run test install lint docs benchmark mutations sample lock clean

## run: create the venv, install the pinned packages, build the warehouse, test the hypotheses,
## write the report, publish the marts for Tableau, generate the docs site and print where each is
run: install
	$(BIN)/python -m scripts.pipeline

## test: linters, type check, dbt unit/data tests and the pytest suite (which builds the project)
test: install lint
	$(BIN)/pytest

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $@

## lock: re-pin every transitive dependency after changing requirements*.txt
lock: install
	{ echo "# Every package the project installs, direct and transitive, at the exact version tested."; \
	  echo "# Regenerate with \`make lock\` after changing requirements*.txt."; \
	  $(BIN)/pip freeze --exclude-editable; } > constraints.txt

lint: install
	$(BIN)/ruff check scripts
	$(BIN)/ruff format --check scripts
	$(BIN)/mypy
	$(BIN)/sqlfluff lint $(SQL_PATHS)

## docs: the dbt docs site as one file that opens offline (target/static_index.html)
docs: install
	$(BIN)/dbt docs generate --static

## benchmark: time dbt build, dbt run, the main job and the hypothesis script at 10 thousand,
## 1 million and 10 million customers, beside a hand-written DuckDB script and pandas (about an
## hour); writes scripts/benchmarks/scale_benchmark.md
benchmark: install
	$(BIN)/python -m scripts.benchmarks.scale_benchmark

## mutations: apply each deliberate bug of scripts/tests/mutations.yml to a scratch copy and
## check that the tests catch it (minutes; `make test` runs it too)
mutations: install
	$(BIN)/python -m scripts.mutation_check

## sample: regenerate the bundled synthetic sample
sample: install
	$(BIN)/python -m scripts.generate_customers --output data/sample/bank_customers_sample.csv

clean:
	rm -rf target logs reports warehouse/*.duckdb warehouse/serving
