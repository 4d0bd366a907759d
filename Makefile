# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast lint bench dist clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,postgres]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/sarah

# Coverage floor: the last measured total, rounded down; raise it when the total goes up.
# Measured 94.54 % with PostgreSQL up (CI has it); its tests skip without a server. Raise, never lower.
COVERAGE_FLOOR := 94

# Two workers (pytest-xdist), each test file whole on one of them (its module fixtures, the
# frozen build, built once): the suite waits on the databases and child processes as much as
# it computes, and CI has two cores.
WORKERS := -n 2 --dist loadfile

test: $(STAMP)
	$(BIN)/ruff check sarah tests benchmarks
	$(BIN)/ruff format --check sarah tests benchmarks
	$(BIN)/mypy
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(WORKERS) --cov=sarah --cov-report=term:skip-covered --cov-fail-under=$(COVERAGE_FLOOR)

# Daily work: the same gates and every test but the slow fault runs (kills, full disks, the
# wheel). `make test` (and CI) still runs everything.
test-fast: $(STAMP)
	$(BIN)/ruff check sarah tests benchmarks
	$(BIN)/ruff format --check sarah tests benchmarks
	$(BIN)/mypy
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(WORKERS) -q -m "not slow"

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

# The frozen build (PyInstaller, installer.spec): dist/sarah-<version>/ with `sarah` (the window)
# and `sarah-console` (the command line). On Windows it makes the .exe files: docs/installation.md.
dist: $(STAMP)
	$(BIN)/pyinstaller --noconfirm --clean installer.spec
	dist/sarah-$$($(BIN)/python -c 'import sarah; print(sarah.__version__)')/sarah-console --smoke

clean:
	rm -rf $(VENV) build dist *.egg-info .mypy_cache .coverage
