PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CONFIG ?= config.toml

# The locks (docs/development.md, "Locked versions"): exact versions with hashes, made by pip-compile (pip-tools) on Linux and
# CPython 3.11. runtime.txt is what the aggregator needs to run; dev.txt is that plus the test, lint and lock tools,
# pinned to the same versions, and it is what .venv gets; build.txt is dev.txt's pip and setuptools, installed first.
LOCKS := requirements/runtime.txt requirements/dev.txt requirements/build.txt
PIP_COMPILE := PYTHONWARNINGS=ignore $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-trusted-host --no-emit-find-links

.PHONY: install run test lint bench demo clean lock upgrade

# .venv is made anew whenever pyproject.toml or a lock changes, so a fresh clone and an updated one both hold
# exactly the locked versions and nothing else. The locked pip and setuptools go first, and build what is published
# only as source; the project goes in last, editable, without dependencies (they came from the lock).
$(BIN)/.installed: pyproject.toml $(LOCKS)
	$(PYTHON) -m venv --clear $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/build.txt
	PYTHONWARNINGS=ignore $(BIN)/python -m pip install --quiet --require-hashes --no-build-isolation -r requirements/dev.txt
	PYTHONWARNINGS=ignore $(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@$(BIN)/python -m pip check >/dev/null || { $(BIN)/python -m pip check; \
		echo "make install: pyproject.toml asks for what the locks do not hold: run make lock" >&2; }
	touch $@

install: $(BIN)/.installed

# make itself can only exit 0 or 2; the line below says which of the aggregator's own codes it was (docs/operations.md,
# "What commands print, and their exit codes"). Cron and scripts that need the code call .venv/bin/aggregator directly.
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

# make bench BENCH="--quick" (or --only large_store --items 30000, --only parse,startup; see bench/run.py --help)
bench: install
	$(BIN)/python bench/run.py $(BENCH)

# The locks again from pyproject.toml, keeping every pin that still fits: after adding or changing a dependency.
# The runtime lock first; the dev lock is constrained by it and the build lock by the dev lock, so they agree.
lock: install
	@$(BIN)/python -c "import platform, sys; sys.exit(None if sys.version_info[:2] == (3, 11) and sys.platform == 'linux' \
		else 'make lock: the locks are made on Linux with CPython 3.11, not ' + platform.platform() + ' ' + sys.version.split()[0] \
		+ ' (make clean, then make lock PYTHON=python3.11)')"
	$(PIP_COMPILE) $(LOCK_OPTIONS) --output-file requirements/runtime.txt pyproject.toml
	$(PIP_COMPILE) $(LOCK_OPTIONS) --extra test --extra lock --all-build-deps --constraint requirements/runtime.txt \
		--output-file requirements/dev.txt pyproject.toml
	$(PIP_COMPILE) $(LOCK_OPTIONS) --constraint requirements/dev.txt --output-file requirements/build.txt requirements/build.in

# Every pin to the newest version pyproject.toml allows, then .venv anew from the new locks, lint and the suite.
upgrade: install
	$(MAKE) lock LOCK_OPTIONS=--upgrade
	$(MAKE) lint test

clean:
	rm -rf $(VENV) build *.egg-info
