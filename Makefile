# The documented way in: `make run` and `make test`. Everything else is for developers and CI.
SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then echo $$p; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test install lint format migrations-check serve bench ci messages

$(BIN)/.installed: pyproject.toml
	@if [ -z "$(PYTHON)" ]; then echo "Pelita needs Python 3.11 or newer on the PATH."; exit 1; fi
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

install: $(BIN)/.installed

## make run: install, migrate, load the areas and the demo, serve HTTP and WebSockets on 127.0.0.1:$(PORT)
run: install
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py load_areas
	$(BIN)/python manage.py seed_demo
	$(BIN)/python -m uvicorn portal.asgi:application --host 127.0.0.1 --port $(PORT) --ws websockets

## make test: the whole suite on the database and Redis named by DATABASE_URL / REDIS_URL (embedded by default)
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: install
	DJANGO_SETTINGS_MODULE=portal.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

messages: install
	cd portal && ../$(BIN)/python ../manage.py compilemessages -v0
