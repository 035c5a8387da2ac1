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

run: install
	$(BIN)/aggregator run --config $(CONFIG)

# ruff (pyflakes, pycodestyle, isort, bugbear, …) and mypy, as configured in pyproject.toml
lint: install
	$(BIN)/ruff check aggregator tests demo bench
	$(BIN)/mypy

test: install
	$(BIN)/python -m pytest -q -n auto

demo: install
	$(BIN)/python demo/run_demo.py

# make bench BENCH="--quick" (or --items 20000, --only parse,startup; see bench/run.py --help)
bench: install
	$(BIN)/python bench/run.py $(BENCH)

clean:
	rm -rf $(VENV) build *.egg-info
