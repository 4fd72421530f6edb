# Two commands set everything up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?=
export PORT

# vietnam-provinces declares Python >= 3.12 but runs on 3.11; its pin lives in requirements.txt.
PROVINCES_PIN := $(shell grep -E '^vietnam-provinces==' requirements.txt | cut -d';' -f1 | tr -d ' ')
STAMP := $(VENV)/.installed

# Browser tests drive Debian's Chromium (Playwright never downloads a browser of its own).
# A CHROMIUM_PATH of your own skips the install; `id -u` decides whether apt needs sudo.
CHROMIUM := /usr/bin/chromium
BROWSER := $(if $(CHROMIUM_PATH),,$(CHROMIUM))
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_INSTALL := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends

.PHONY: help install chromium db run test bench lint format migrate seed shell messages clean

help:
	@echo "make run      set up everything and serve the demo (web + Celery worker + beat)"
	@echo "make test     set up everything (Chromium included) and run the whole test suite"
	@echo "make chromium install Debian's Chromium for the browser tests (make test does it too)"
	@echo "make bench    run the benchmarks, print a table and write bench/results.json"
	@echo "make lint     ruff, Django system checks, missing migrations"
	@echo "make db       create the database named by DATABASE_URL if it is missing"
	@echo "make migrate  migrate the public schema and every province schema"
	@echo "make seed     seed the demo provinces and accounts (idempotent)"
	@echo "make shell    Django shell"
	@echo "make messages refresh and compile the Vietnamese/English catalogs"

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --ignore-requires-python "$(PROVINCES_PIN)"
	touch $(STAMP)

install: $(STAMP)

# Only when the binary is missing; a stale package list is refreshed only if the install needs it.
$(CHROMIUM):
	$(APT_INSTALL) chromium || { $(SUDO) apt-get update && $(APT_INSTALL) chromium; }

chromium: $(BROWSER)

run: $(STAMP)
	$(PY) manage.py devstack --port $(PORT)

test: $(STAMP) $(BROWSER)
	$(PY) -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(PY) -m bench

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

db: $(STAMP)
	$(PY) manage.py database_ensure

# Province schemas migrate side by side (TENANT_MULTIPROCESSING_* in config/settings/base.py).
migrate: db
	$(PY) manage.py migrate_schemas --executor=multiprocessing

seed: $(STAMP)
	$(PY) manage.py seed_demo

shell: $(STAMP)
	$(PY) manage.py shell

messages: $(STAMP)
	$(PY) manage.py makemessages --locale vi --ignore ".venv/*" --ignore "var/*" --no-obsolete
	$(PY) manage.py compilemessages --locale vi --ignore ".venv/*"

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
