PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CONFIG ?= config.toml

.PHONY: install run test lint bench demo clean

# The stamp is rebuilt whenever pyproject.toml changes, so a fresh clone and an updated one both get what they need.
$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/.installed

# make itself can only exit 0 or 2; the line below says which of the aggregator's own codes it was (README,
# "Commands"). Cron and scripts that need the code call .venv/bin/aggregator directly.
run: install
	@$(BIN)/aggregator run --config $(CONFIG) || { code=$$?; echo "make run: aggregator exited $$code (1 a source failed, 2 bad config, 3 busy, 4 store, 5 output, 130 interrupted, 143 terminated)" >&2; exit $$code; }

# ruff (pyflakes, pycodestyle, isort, bugbear, …) and mypy, as configured in pyproject.toml
lint: install
	$(BIN)/ruff check aggregator tests demo bench
	$(BIN)/mypy

# Two test workers per core: most of the suite's time is spent waiting (on local servers, on killed and forked
# runs), so a core has room for a second worker.
test: install
	$(BIN)/python -m pytest -q -n $$($(BIN)/python -c "import os; print(2 * (os.cpu_count() or 1))")

demo: install
	$(BIN)/python demo/run_demo.py

# make bench BENCH="--quick" (or --items 20000, --only parse,startup; see bench/run.py --help)
bench: install
	$(BIN)/python bench/run.py $(BENCH)

clean:
	rm -rf $(VENV) build *.egg-info
