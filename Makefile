# Two commands matter: `make run` serves the site, `make test` runs every test.
# Both find a Python >= 3.12, create .venv and install the locked dependencies.
# `make dev` is the developer's loop (DEBUG on, autoreload, debug pages).

HOST ?= 127.0.0.1
PORT ?= 8000
WEB_CONCURRENCY ?= 2
UV_VERSION := 0.13.9
VENV := .venv
PY := $(VENV)/bin/python
UV := .tools/bin/uv
export HOST PORT WEB_CONCURRENCY

.PHONY: run dev static test lint format seed install messages bench bench-api bench-live bench-load clean

$(UV):
	@python=$$(scripts/find-python) || exit 1; \
	"$$python" -m venv .tools && .tools/bin/pip install --quiet "uv==$(UV_VERSION)"

$(VENV)/.installed: uv.lock pyproject.toml | $(UV)
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --frozen --python "$$(scripts/find-python)"
	@touch $@

install: $(VENV)/.installed

messages: install
	$(PY) manage.py translate --verbosity 0 compile

static: install
	$(PY) manage.py collectstatic --no-input --verbosity 0

# The site as its users get it: production settings, scripts/serve (2 processes), the task
# worker. Plain HTTP on this machine, so cookies are not limited to HTTPS.
run: export DEBUG ?= false
run: export SECURE_COOKIES ?= false
run: export SITE_URL ?= http://$(HOST):$(PORT)
run: install messages static
	$(PY) manage.py migrate --no-input
	$(VENV)/bin/honcho --procfile Procfile.run start

dev: export DEBUG ?= true
dev: export SITE_URL ?= http://$(HOST):$(PORT)
dev: install messages
	$(PY) manage.py migrate --no-input
	$(VENV)/bin/honcho --procfile Procfile.dev start

seed: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed --users 50 --posts 1000 --follows 10 --messages 500

test: install messages
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) .tools

# Pages under the production server against a bare WSGI floor (needs wrk), then the home
# timeline at 100,000 and 1,000,000 posts. BENCH_ARGS=--postgres for PostgreSQL.
bench: install messages static
	$(PY) bench/pages.py $(BENCH_ARGS)
	$(PY) bench/timeline.py $(BENCH_ARGS)
	$(PY) bench/search.py $(BENCH_ARGS)
	$(PY) bench/export.py $(BENCH_ARGS)
	$(PY) bench/cache.py $(BENCH_ARGS)

bench-api: install
	$(PY) bench/api_deep_pages.py

# 1,000 WebSocket clients of one author's followers: time until a post reaches them all,
# through Redis (needs one on 127.0.0.1:6379) and through the database; polling's cost.
bench-live: install messages static
	$(PY) bench/live.py $(BENCH_ARGS)

# The production stack of deploy/ (nginx, web, workers, PostgreSQL, Redis) under Locust: the
# capacity at which p99 stays under 500 ms, then twice that for a minute (needs nginx).
bench-load: install messages
	$(PY) bench/capacity.py
