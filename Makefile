# The documented way in: `make run` and `make test`. Everything else is for developers and CI.
SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do if $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then echo $$p; break; fi; done)
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

## make run: install, migrate, load the areas and the demo, serve HTTP and WebSockets on $(RUN_HOST):$(PORT)
## (RUN_HOST=0.0.0.0 serves the office's LAN). Settings portal.settings.dev: DEBUG off, friendly error pages, a
## secret key of this install in var/secret_key; PELITA_DEBUG=1 for developers (docs/DEPLOY.md, "make run").
RUN_HOST ?= 127.0.0.1
run: install
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py load_areas
	PORT=$(PORT) $(BIN)/python manage.py seed_demo
	PORT=$(PORT) $(BIN)/python -m uvicorn portal.asgi:application --host $(RUN_HOST) --port $(PORT) --ws websockets \
		--no-server-header

## make test: the whole suite on the database and Redis named by DATABASE_URL / REDIS_URL (embedded by default)
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: install
	DJANGO_SETTINGS_MODULE=portal.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

messages: install
	cd portal && ../$(BIN)/python ../manage.py compilemessages -v0

## make serve: the production stack on this machine: migrate, collectstatic, then WORKERS uvicorn workers
## (HTTP + WebSockets) against DATABASE_URL and REDIS_URL, with the task worker and the notifications scheduler
## beside them. Needs SECRET_KEY and ALLOWED_HOSTS (docs/DEPLOY.md).
WORKERS ?= 2
HOST ?= 127.0.0.1
SERVE_SETTINGS ?= portal.settings.production
serve: install
	@if [ -z "$$DATABASE_URL" ]; then echo "make serve: set DATABASE_URL (postgres://user:password@host:5432/pelita): several workers need one shared PostgreSQL database."; exit 1; fi
	@if [ -z "$$REDIS_URL" ]; then echo "make serve: set REDIS_URL (redis://host:6379/0): the workers share the channel layer and cache through Redis."; exit 1; fi
	DJANGO_SETTINGS_MODULE=$(SERVE_SETTINGS) $(BIN)/python manage.py migrate --noinput -v0
	DJANGO_SETTINGS_MODULE=$(SERVE_SETTINGS) $(BIN)/python manage.py collectstatic --noinput -v0
	DJANGO_SETTINGS_MODULE=$(SERVE_SETTINGS) $(BIN)/python manage.py check --deploy --database default --fail-level ERROR
	@# The task worker (deliveries) and the scheduler (sweeps, reminders, digest, sweep_overdue) run beside the
	@# web workers and stop with them (docs/DEPLOY.md has the systemd units for a managed setup).
	export DJANGO_SETTINGS_MODULE=$(SERVE_SETTINGS); \
	$(BIN)/python manage.py db_worker --queue-name default & worker=$$!; \
	$(BIN)/python manage.py notifications_scheduler & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null; wait $$worker $$scheduler' EXIT INT TERM; \
	$(BIN)/python -m uvicorn portal.asgi:application \
		--host $(HOST) --port $(PORT) --workers $(WORKERS) --ws websockets --lifespan off \
		--proxy-headers --forwarded-allow-ips "$${FORWARDED_ALLOW_IPS:-127.0.0.1}" --no-server-header

## make bench: the production stack (2 workers) on PostgreSQL database pelita_bench and Redis, national data
## (generated once), and every figure of docs/PERFORMANCE.md's top section. BENCH_ARGS="--scale small --quick"
## for a short run.
bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)
