# micromoments: `make build` and `make test` are all a newcomer needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium

.PHONY: build install system-deps test test-fast check format serve bench update-caniemail clean schemas docs-rules

## install: create .venv and install micromoments with everything it and its tests need
install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

## system-deps: Debian packages the browser tests need (chromium), installed when missing
system-deps:
	@if [ ! -x $(CHROMIUM) ]; then \
		echo "Installing chromium (Debian package) for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	fi

## build: check the example moments, then build the catalog site and the modules
build: install
	$(BIN)/micromoments check moments/
	$(BIN)/micromoments build --out dist
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

## test: the whole test suite (unit, golden, browser, SMTP, ESP engines)
test: install system-deps
	$(BIN)/python -m pytest -n 2 --dist loadfile

## test-fast: everything but the browser tests
test-fast: install
	$(BIN)/python -m pytest -n 2 -m "not browser"

## check: lint, format check and type check
check: install
	$(BIN)/ruff check plugins tests bench
	$(BIN)/ruff format --check plugins tests bench
	$(BIN)/mypy

## format: apply ruff's fixes and formatting
format: install
	$(BIN)/ruff check --fix plugins tests bench
	$(BIN)/ruff format plugins tests bench

## serve: live catalog at http://127.0.0.1:8000, rebuilt when moments/ or templates/ change
serve: install
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve --dirty --no-strict

## schemas: regenerate the JSON Schemas for editors
schemas: install
	$(BIN)/micromoments schema --out schemas

## docs-rules: regenerate docs/rules.md from the rule declarations
docs-rules: install
	$(BIN)/micromoments rules --format markdown > docs/rules.md

BENCH_NODE := bench/mjml_node

$(BENCH_NODE)/node_modules/.package-lock.json: $(BENCH_NODE)/package-lock.json
	@command -v npm >/dev/null || { echo "make bench needs Node.js >= 20 and npm (official MJML is the comparison)"; exit 1; }
	npm ci --prefix $(BENCH_NODE) --no-audit --no-fund --loglevel=error

## bench: synthetic catalogs (100, 1,000, 10,000 moments) against plain material and official MJML; writes docs/benchmarks.md
bench: install $(BENCH_NODE)/node_modules/.package-lock.json
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m bench.run

## update-caniemail: refresh the pinned caniemail snapshot (npm package caniemail, MIT)
update-caniemail:
	tools/update_caniemail.sh 2.0.2

clean:
	rm -rf site dist .cache .pytest_cache .mypy_cache .ruff_cache .hypothesis tests/screenshots
