# Two commands set everything up: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run test test-fast bench clean

$(STAMP): setup.cfg pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## Create the SQLite database with demo data if it is empty, then serve on http://127.0.0.1:8050
run: install
	$(PY) -m dashboard run

## Every test: analytics, callbacks, CLI, browser (headless Chromium), statistics
test: install
	$(PY) -m pytest --headless --cov --cov-report=term:skip-covered

## Without the browser tests
test-fast: install
	$(PY) -m pytest -m "not browser"

## Benchmark on 10,000 influencers / 100,000 posts / 1,000,000 tracking events; prints a table
bench: install
	$(PY) benchmarks/bench_overview.py

clean:
	rm -rf $(VENV) .pytest_cache .coverage htmlcov *.egg-info
