# Two commands: `make run` serves the app with demo data, `make test` runs every test. `make help` lists the rest.
SHELL := /bin/bash
PY := .venv/bin/python
PORT ?= 5000
STAMPS := .make-stamps
PWA_SOURCES := $(shell find pwa/src pwa/public pwa/index.html pwa/vite.config.js -type f 2>/dev/null)
export FLASK_APP := wsgi

.PHONY: help run test test-py test-shifted test-pwa e2e lint bench migrate seed install pwa clean lighthouse

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' Makefile | sed 's/:.*## /\t/'

$(STAMPS)/venv: pyproject.toml constraints.txt
	@mkdir -p $(STAMPS)
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e ".[dev]"
	@touch $@

$(STAMPS)/npm: pwa/package.json pwa/package-lock.json
	@mkdir -p $(STAMPS)
	cd pwa && npm ci --no-audit --no-fund
	@touch $@

# The forms' limits are generated from the published command schemas (committed; a test fails when stale).
LIMITS_SOURCES := $(wildcard backend/schemas/*.py backend/commands/*.py backend/rules/*.py) backend/form_limits.py
pwa/src/generated/limits.json: $(LIMITS_SOURCES) | $(STAMPS)/venv
	.venv/bin/flask pwa-limits

# The inbox's notification kinds are the server's (committed; a test fails when stale).
pwa/src/inbox/kinds.json: backend/rules/notification_kinds.py scripts/pwa_kinds.py | $(STAMPS)/venv
	$(PY) scripts/pwa_kinds.py

pwa/dist/index.html: $(STAMPS)/npm $(PWA_SOURCES) pwa/src/generated/limits.json pwa/src/inbox/kinds.json
	cd pwa && npm run build

install: $(STAMPS)/venv $(STAMPS)/npm ## Install Python and npm dependencies (pinned)

pwa: pwa/dist/index.html ## Build the PWA

migrate: $(STAMPS)/venv ## Apply database migrations
	.venv/bin/flask db upgrade

seed: migrate ## Seed demo data into an empty database
	.venv/bin/flask seed-demo

run: install pwa seed ## Set up everything and serve on http://127.0.0.1:$(PORT)
	.venv/bin/gunicorn --config gunicorn.conf.py --bind 127.0.0.1:$(PORT) --workers 1 --threads 8 wsgi:app

test: install pwa lint test-pwa test-py ## Run every test (lint, PWA unit, Python unit/API/protocol, e2e in Chromium)

# One pytest worker per core (pytest-xdist); PYTEST_WORKERS=0 runs them in one process.
PYTEST_WORKERS ?= auto
test-py: $(STAMPS)/venv
	$(PY) -m pytest -q -n $(PYTEST_WORKERS) --dist worksteal

# A year ahead by default; SHIFT=$$(( $$(date -d '15:50 UTC' +%s) - $$(date +%s) )) starts at 23:50 in Shanghai.
SHIFT ?= 31536000
test-shifted: install pwa ## Run the Python tests (e2e too) with every clock moved SHIFT seconds ahead
	PYTHONPATH=tests/timeshift TEST_CLOCK_SHIFT_SECONDS=$(SHIFT) $(PY) -m pytest -q -p no:time_machine \
	  -W "ignore:Module already imported:pytest.PytestAssertRewriteWarning"

test-pwa: $(STAMPS)/npm
	cd pwa && npm test

e2e: install pwa ## Run only the browser tests
	$(PY) -m pytest -q tests/e2e

lighthouse: ## Lighthouse accessibility of login, hazard list and detail (needs `make run` serving on $(PORT))
	node scripts/lighthouse.mjs http://127.0.0.1:$(PORT)

lint: $(STAMPS)/venv ## Check style
	.venv/bin/ruff check backend sync tests scripts wsgi.py gunicorn.conf.py
	.venv/bin/ruff format --check backend sync tests scripts wsgi.py gunicorn.conf.py

bench: install ## Print issue 8's figures (peers, growth, province, 200 devices) as one table; upload RSS
	$(PY) scripts/bench_uploads.py
	$(PY) -m scripts.bench $(BENCH_ARGS)

clean: ## Remove the built PWA and install stamps (keeps instance/)
	rm -rf $(STAMPS) pwa/dist
