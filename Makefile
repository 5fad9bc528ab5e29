# councilopts — two commands on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.8
# Python 3.13: on PATH, or installed by pyenv, or the system's.
PYTHON313 ?= $(shell for p in python3.13 $$HOME/.pyenv/versions/3.13*/bin/python3.13 /usr/local/bin/python3.13 /usr/bin/python3.13; do \
	"$$p" -c 'import sys; assert sys.version_info[:2] == (3, 13)' >/dev/null 2>&1 && { echo "$$p"; break; }; done)
PG_URL ?= postgresql://postgres@127.0.0.1:5432/test
# Tests and the demo run with DEBUG on (Django turns it off inside tests) and a throwaway key.
export DEBUG ?= true
export SECRET_KEY ?= councilopts-local-development-only
export TASKS_IMMEDIATE ?= true

.PHONY: help setup system-packages test-packages demo test test-sqlite test-postgres lint bench loadtest scaleout faults assets clean

help:
	@echo "make demo    set up, migrate SQLite, load the demo and serve on http://127.0.0.1:8000"
	@echo "make test    set up, lint, check migrations, run every test on SQLite and PostgreSQL"
	@echo "make setup   set up only (.venv with the locked dependencies, GOV.UK Frontend assets)"
	@echo "make bench   benchmarks: the engine, report rendering and every page"
	@echo "make loadtest  50 users for 60 s against gunicorn on PostgreSQL (then SQLite), checked"
	@echo "make scaleout  two gunicorn instances and two task workers on one PostgreSQL, checked"
	@echo "make faults  PostgreSQL restarted, workers killed, a backup restored, under load (6-20 min; restarts the local PostgreSQL)"

setup: system-packages $(VENV)/.installed static/build/.built

# Debian's packages, installed when missing (as root or with password-less sudo; otherwise
# named): for the reports, fonts with Arial's metrics and HarfBuzz's font subsetter (without
# it WeasyPrint falls back to fontTools, 0.3-0.5 s slower a report); for the tests, Chromium
# and poppler.
REPORT_PACKAGES := fonts-liberation2 libharfbuzz-subset0
TEST_PACKAGES := chromium poppler-utils
define install_missing
	@missing=$$(for p in $(1); do \
		dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | grep -q "ok installed" || echo "$$p"; done); \
	missing=$$(echo $$missing); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo -n"; \
	else sudo=none; fi; \
	if command -v apt-get >/dev/null && [ "$$sudo" != none ]; then \
		echo "Installing Debian packages: $$missing"; \
		$$sudo apt-get update -qq && \
		$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else \
		echo "!!! Missing packages: $$missing (install them with your package manager)"; \
	fi
endef

system-packages:
	$(call install_missing,$(REPORT_PACKAGES))

test-packages:
	$(call install_missing,$(TEST_PACKAGES))

$(VENV)/.installed: pyproject.toml uv.lock
	@test -n "$(PYTHON313)" || { echo "Python 3.13 is needed: install python3.13 (or set PYTHON313=/path/to/python3.13)"; exit 1; }
	test -x $(PY) || $(PYTHON313) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --frozen --compile-bytecode --python $(PY)
	touch $@

# GOV.UK Frontend and our styles, compiled with sass; nothing of Node runs in production.
static/build/.built: package.json package-lock.json $(wildcard static/src/*)
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build
	touch $@

assets: static/build/.built

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

test: lint test-sqlite test-postgres

test-sqlite: setup test-packages
	@echo "== Tests on SQLite =="
	env -u DATABASE_URL $(VENV)/bin/pytest

test-postgres: setup test-packages
	@url="$${DATABASE_URL:-$(PG_URL)}"; \
	if $(PY) -c "import sys, psycopg; psycopg.connect(sys.argv[1], connect_timeout=3).close()" "$$url" 2>/dev/null; then \
		echo "== Tests on PostgreSQL ($$url) =="; \
		DATABASE_URL="$$url" $(VENV)/bin/pytest; \
	elif [ "$${CI:-}" = "true" ]; then \
		echo "PostgreSQL at $$url is unreachable, and CI=true: failing."; exit 1; \
	else \
		echo; echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
		echo "!!! PostgreSQL at $$url is unreachable: the PostgreSQL run is SKIPPED."; \
		echo "!!! Start PostgreSQL or set DATABASE_URL to run the suite on it too."; \
		echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; echo; \
	fi

demo: setup
	env -u DATABASE_URL $(PY) manage.py migrate --no-input
	env -u DATABASE_URL $(PY) manage.py load_demo
	env -u DATABASE_URL $(PY) manage.py demo_decision
	@echo
	@echo "Demo logins (password: councilopts-demo — demo only):"
	@echo "  officer, member, admin        Harborough District Council"
	@echo "  officer.wellingborough        Borough Council of Wellingborough"
	@echo "  officer.stockton              Stockton-on-Tees Borough Council (partner of Darlington)"
	@echo
	@echo "Serving on http://127.0.0.1:8000 (Ctrl-C to stop)"
	env -u DATABASE_URL $(PY) manage.py runserver 127.0.0.1:8000

# Every bench runs whatever the others say; the target fails if any goal is missed.
bench: setup
	@status=0; \
	$(PY) bench/bench_engine.py || status=1; \
	$(PY) bench/bench_reports.py || status=1; \
	$(PY) bench/bench_pages.py || status=1; \
	exit $$status

# Load test (loadtest/run.py): gunicorn and a task worker on loopback, locust for a bounded
# time, then the database checked; 60 s on PostgreSQL, then briefly on SQLite.
loadtest: setup
	@status=0; \
	$(PY) loadtest/run.py --database postgresql || status=1; \
	$(PY) loadtest/run.py --database sqlite --seconds 20 --baseline-seconds 10 || status=1; \
	exit $$status

# Scale-out (loadtest/scaleout.py): two gunicorn instances and two db_workers on one
# PostgreSQL database render 20 reports; each task runs exactly once.
scaleout: setup
	$(PY) loadtest/scaleout.py

# Faults (loadtest/faults.py): under load, PostgreSQL restarted, a task worker killed
# mid-render, gunicorn workers killed mid-request, then a backup restored into an empty
# database; each checked. Restarts the local PostgreSQL cluster (root or postgres needed).
faults: setup
	$(PY) loadtest/faults.py

clean:
	rm -rf $(VENV) node_modules static/build staticfiles
