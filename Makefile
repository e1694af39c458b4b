# Verdicts: the project's memory. `make run` and `make test` are all a newcomer needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# PY=3.12 picks that version and its own environment (.venv-3.12); by default the newest.
PY ?=
VENV ?= $(if $(PY),.venv-$(PY),.venv)
PYTHON := $(shell scripts/find-python $(PY) 2>/dev/null)
UV := $(or $(shell command -v uv 2>/dev/null),.tools/bin/uv)
MANAGE := $(VENV)/bin/python manage.py
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
export VENV

.PHONY: help run stack test test-py312 lint format bench lighthouse env node services editor backup restore clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

run: env services ## the whole site with demo data on http://127.0.0.1:8000 (web, worker, beat)
	@$(MANAGE) migrate --no-input -v 0
	@$(MANAGE) load_demo
	@echo "Verdicts is starting on http://127.0.0.1:8000 (Ctrl-C stops it)."
	@echo "To create an editor account: make editor   (or: .venv/bin/python manage.py createsuperuser)"
	@$(VENV)/bin/honcho -f Procfile.dev start

# The stack as production runs it, without Docker: readers -> Varnish (:8000) -> gunicorn
# (:8001), whose services purge Varnish; nginx, which buffers slow clients in production, is
# left out here. The purge address is set in Procfile.stack, for the processes that run
# once Varnish does. Varnish's files go to .stack/.
stack: env services ## the site behind Varnish on http://127.0.0.1:8000 (web, cache, worker, beat)
	@command -v varnishd >/dev/null || { echo "varnishd not found: apt-get install varnish varnish-modules"; exit 1; }
	@$(MANAGE) migrate --no-input -v 0
	@$(MANAGE) load_demo
	@mkdir -p .stack
	@sed -e 's/\.host = "web";/.host = "127.0.0.1";/' -e 's/\.port = "8000";/.port = "8001";/' \
		deploy/varnish.vcl > .stack/varnish.vcl
	@echo "Verdicts is starting behind Varnish on http://127.0.0.1:8000 (Ctrl-C stops it)."
	@$(VENV)/bin/honcho -f Procfile.stack start

test: env services node ## the whole suite, against the real PostgreSQL, Redis, Celery, SMTP and browser
	@$(VENV)/bin/pytest $(PYTEST_ARGS)

test-py312: ## the suite again on Python 3.12, the oldest we support (browser tests run once, in test)
	@$(MAKE) --no-print-directory test PY=3.12 VENV=.venv-3.12 PYTEST_ARGS="--ignore=tests/e2e"

lint: env ## ruff lint and format check, and the apps' import contracts (pyproject.toml)
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .
	@$(VENV)/bin/lint-imports --no-cache

format: env ## apply ruff's fixes and formatting
	@$(VENV)/bin/ruff check --fix .
	@$(VENV)/bin/ruff format .

bench: env services ## the load and throughput benchmarks in bench/ (not part of make test)
	@bench/run

lighthouse: env services node ## Lighthouse scores for the home and a comparison page into bench/RESULTS.md
	@$(VENV)/bin/python bench/lighthouse.py

node: node_modules/.package-lock.json ## axe-core and Lighthouse from package-lock.json

node_modules/.package-lock.json: package.json package-lock.json
	@npm ci --no-audit --no-fund --loglevel=error

editor: env services ## create an editor (staff in the Editors group) interactively
	@$(MANAGE) createeditor

env: $(VENV)/.synced ## the virtual environment, from uv.lock

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	@test -n "$(PYTHON)" || { scripts/find-python >/dev/null; exit 1; }
	@$(UV) sync --frozen --python "$(PYTHON)" --quiet
	@touch $@

.tools/bin/uv:
	@test -n "$(PYTHON)" || { scripts/find-python >/dev/null; exit 1; }
	@echo "uv not found: installing it into .tools/"
	@"$(PYTHON)" -m venv .tools && .tools/bin/pip install --quiet uv

services: env ## check PostgreSQL (creating the database if missing) and Redis answer
	@$(MANAGE) ensure_database
	@$(MANAGE) check_redis

backup: env ## dump the database to backups/ (pg_dump; DATABASE_URL picks the database)
	@scripts/backup $(FILE)

restore: env ## restore a dump: make restore FILE=backups/….dump (replaces what is there)
	@scripts/restore $(FILE)

clean: ## remove the environments and collected static files
	rm -rf .venv .venv-* .tools staticfiles
