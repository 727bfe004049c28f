# Two commands matter: `make run` serves the site, `make test` runs every test.
# Both find a Python >= 3.12, create .venv and install the locked dependencies.

HOST ?= 127.0.0.1
PORT ?= 8000
UV_VERSION := 0.13.9
VENV := .venv
PY := $(VENV)/bin/python
UV := .tools/bin/uv
export HOST PORT

.PHONY: run test lint format seed install messages bench bench-api clean

$(UV):
	@python=$$(scripts/find-python) || exit 1; \
	"$$python" -m venv .tools && .tools/bin/pip install --quiet "uv==$(UV_VERSION)"

$(VENV)/.installed: uv.lock pyproject.toml | $(UV)
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --frozen --python "$$(scripts/find-python)"
	@touch $@

install: $(VENV)/.installed

messages: install
	$(PY) manage.py translate --verbosity 0 compile

run: install messages
	$(PY) manage.py migrate --no-input
	$(VENV)/bin/honcho --procfile Procfile.dev start

seed: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed --users 50 --posts 1000 --follows 10

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

bench: install
	$(PY) bench/timeline.py

bench-api: install
	$(PY) bench/api_deep_pages.py
