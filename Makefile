# newsspan: two commands do all set-up. `make run` starts the workbench; `make test` passes every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SEED_VERSION := 0.1.0
PORT ?= 8501

.PHONY: run test venv system-packages seed-release lint bench clean labelstudio

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
	$(BIN)/streamlit run workbench/server.py --server.address 127.0.0.1 --server.port $(PORT) \
		--server.headless true --browser.gatherUsageStats false

# ruff (style, complexity C90), import-linter (the one dependency rule), mypy (corpus/ and workbench/store/).
lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

test: venv system-packages lint
	$(BIN)/pytest

# Optional: Label Studio in a venv of its own, for tests/test_labelstudio_live.py (skipped without it).
# Installing it (about 1 GB) took 2.3 min here the first time, 5.3 min with pip's cache off on a busy machine.
# `make test` does not need it: the live tests are skipped, with the reason, when this venv is missing.
LS_VENV := .venv-labelstudio
LS_STAMP := $(LS_VENV)/.installed-stamp
LABEL_STUDIO ?= label-studio>=1.23.2,<1.24

$(LS_STAMP):
	test -x $(LS_VENV)/bin/python || $(PYTHON) -m venv $(LS_VENV)
	$(LS_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LS_VENV)/bin/python -m pip install --quiet '$(LABEL_STUDIO)'
	touch $(LS_STAMP)

labelstudio: $(LS_STAMP)
	@$(LS_VENV)/bin/python -m pip show label-studio | grep -E "^(Name|Version)"
	@echo "run the live round trips: $(BIN)/pytest -m labelstudio tests/test_labelstudio_live.py"

bench: venv system-packages
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
