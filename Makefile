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

.PHONY: help install db run test bench lint format migrate seed shell messages clean

help:
	@echo "make run      set up everything and serve the demo (web + Celery worker + beat)"
	@echo "make test     set up everything and run the whole test suite"
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

run: $(STAMP)
	$(PY) manage.py devstack --port $(PORT)

test: $(STAMP)
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

migrate: db
	$(PY) manage.py migrate_schemas

seed: $(STAMP)
	$(PY) manage.py seed_demo

shell: $(STAMP)
	$(PY) manage.py shell

messages: $(STAMP)
	$(PY) manage.py makemessages --locale vi --ignore ".venv/*" --ignore "var/*" --no-obsolete
	$(PY) manage.py compilemessages --locale vi --ignore ".venv/*"

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
