# Quick start: `make run` serves the site with SQLite and the seed data;
# `make test` runs the whole test suite. Both set up everything they need first.
VENV := .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python
HOST ?= 127.0.0.1:8000

.PHONY: run test install install-test messages migrate seed lint format clean

$(BIN)/activate:
	"$$(scripts/find-python)" -m venv $(VENV)
	$(PYTHON) -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml $(BIN)/activate
	$(PYTHON) -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PYTHON) -m pip install -q -e ".[test]"
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

messages: install
	scripts/system-deps
	DEBUG=1 $(PYTHON) manage.py compilemessages --ignore=.venv -v0
	test -s pages/generated/world-110m.json || DEBUG=1 $(PYTHON) manage.py build_world_map -v0

migrate: messages
	DEBUG=1 $(PYTHON) manage.py migrate --no-input -v0
	DEBUG=1 $(PYTHON) manage.py createcachetable

seed: migrate
	DEBUG=1 $(PYTHON) manage.py seed

run: seed
	DEBUG=1 $(PYTHON) manage.py runserver $(HOST)

test: install-test messages
	scripts/system-deps --browser
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .

format: install-test
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles

.PHONY: bench
$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed-test
	$(PYTHON) -m pip install -q -e ".[bench]"
	touch $@

# Benchmarks (bench/README.md): needs wrk and a PostgreSQL at 127.0.0.1:5432.
bench: $(VENV)/.installed-bench messages
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(PYTHON) bench/run.py $(BENCH_ARGS)
