# newsspan: two commands do all set-up. `make run` starts the workbench; `make test` passes every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SEED_VERSION := 0.1.0
PORT ?= 8501

.PHONY: run test venv system-packages seed-release lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

system-packages:
	bash scripts/ensure_system_packages.sh

seed-release: venv
	@if [ ! -f releases/LATEST ]; then \
		$(BIN)/newsspan ingest seeds/ && $(BIN)/newsspan release build $(SEED_VERSION); \
	else echo "seed release present: v$$(cat releases/LATEST)"; fi

run: seed-release
	$(BIN)/python -m workbench.bootstrap
	$(BIN)/streamlit run workbench/app.py --server.address 127.0.0.1 --server.port $(PORT) \
		--server.headless true --browser.gatherUsageStats false

# ruff (style, complexity C90), import-linter (the one dependency rule), mypy (corpus/ and workbench/store/).
lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

test: venv system-packages lint
	$(BIN)/pytest

bench: venv system-packages
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
