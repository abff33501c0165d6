# The two commands of the README: `make seed` (the main job) and `make test` (everything).
# Each sets itself up: a virtualenv at .venv from the hashed lock, and `npm ci` for convex/.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: seed test lint typecheck pytest vitest bench schema clean tools

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	# Bytecode for the editable sources, as pip writes it for installed packages: with
	# PYTHONDONTWRITEBYTECODE set, every run would otherwise compile them all again.
	$(PY) -m compileall -q seeding_suite fakes
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

seed: $(STAMP)
	$(PY) -m pytest

test: lint typecheck pytest vitest

lint: $(STAMP)
	$(VENV)/bin/ruff check seeding_suite fakes tests bench conftest.py
	$(VENV)/bin/ruff format --check seeding_suite fakes tests bench conftest.py
	$(VENV)/bin/lint-imports --no-cache

typecheck: $(STAMP)
	$(VENV)/bin/mypy

# The outer run does not load the plugin (-p no:seeding_suite), so it never seeds;
# pytester's inner runs load it from the entry point.
pytest: $(STAMP) $(NODE_STAMP) tools
	CI=true $(PY) -m pytest -p no:seeding_suite -p no:cacheprovider tests -n 2 -q

# Debian tools some tests use (minisign: signatures made by the real tool; chromium: the
# report's browser test). Installed when run
# as root and missing; otherwise, or when apt cannot reach its mirror, those tests skip with
# the reason and the run goes on.
tools:
	@command -v minisign >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq minisign >/dev/null 2>&1; } || echo "minisign is not installed: the tests that sign with it are skipped"
	@test -x /usr/bin/chromium || { [ "$$(id -u)" = 0 ] && { apt-get install -y -qq chromium >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq chromium >/dev/null 2>&1; }; }; } || echo "chromium is not installed: the report's browser test is skipped"

vitest: $(NODE_STAMP)
	npx tsc --noEmit -p convex
	npx vitest run

bench: $(STAMP)
	$(PY) bench/run.py

schema: $(STAMP)
	$(VENV)/bin/seeding-suite schema --output seeding_suite/manifest.schema.json

clean:
	rm -rf $(VENV) node_modules .seeding .pytest_cache .mypy_cache .ruff_cache
