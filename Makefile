# The two commands of the README: `make run` (the app with demo data) and `make test` (every test).
SHELL := /bin/bash
PORT ?= 3000
# Test processes (pytest-xdist) for the tests that need no browser. The browser tests share
# one app build (.web) and server, so they run in one process afterwards.
TEST_WORKERS ?= 2
ENV := source scripts/env.sh &&

.PHONY: run run-scale test lint bench install

install:
	@bash scripts/bootstrap.sh

run: install
	@$(ENV) CJEUNE_LOG_LEVEL=warning cjeune seed-demo
	@echo "» CJeune de Provence démarre : ouvrez http://localhost:$(PORT)/ (première compilation : 1 à 2 minutes)"
	@$(ENV) CJEUNE_PUBLIC_URL="$${CJEUNE_PUBLIC_URL:-http://localhost:$(PORT)}" reflex run --env prod --single-port --frontend-port $(PORT)

# The app at scale: PostgreSQL + Redis (REFLEX_DB_URL, REFLEX_REDIS_URL), WORKERS processes, the schema
# migrated once before they start (scripts/run-scale.sh).
WORKERS ?= 2
run-scale: install
	@WORKERS=$(WORKERS) PORT=$(PORT) bash scripts/run-scale.sh

# Lint, types and the direction of imports (configured in pyproject.toml).
lint:
	@bash scripts/bootstrap.sh --test
	@$(ENV) ruff check cjeune_app tests bench
	@$(ENV) mypy
	@$(ENV) lint-imports

test: lint
ifeq ($(strip $(PYTEST_ARGS)),)
	@$(ENV) python -m pytest -n $(TEST_WORKERS) --ignore=tests/browser tests
	@$(ENV) python -m pytest tests/browser
else
	@$(ENV) python -m pytest $(PYTEST_ARGS)
endif

# Performance figures (printed, never asserted). PostgreSQL runs need the server on 127.0.0.1:5432.
BENCH_PG ?= postgresql+psycopg://postgres@127.0.0.1:5432/cjeune_bench
bench: install
	@$(ENV) python bench/bench_photo.py
	@$(ENV) python bench/bench_ledger.py
	@$(ENV) python bench/bench_sqlite_writers.py
	@$(ENV) python bench/bench_search.py
	@$(ENV) python bench/bench_search.py --db $(BENCH_PG)
	@$(ENV) python bench/bench_accounts.py
	@$(ENV) python bench/bench_assistance.py
	@$(ENV) python bench/bench_assistance.py --db $(BENCH_PG)
	@$(ENV) python bench/bench_lighthouse.py
	@$(ENV) python bench/bench_first_load_js.py
