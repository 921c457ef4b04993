# The verbs of this project. `make run` and `make test` are all a newcomer needs (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
TEST_SETTINGS := DJANGO_SETTINGS_MODULE=normandy_ep.settings.test

.PHONY: run test lint format check-migrations reload-data lock clean browser-deps fonts audit bench load backup restore

## run: install, migrate, load the directory data once, serve on http://127.0.0.1:8000/
run: $(VENV)/.installed fonts
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_directory
	@echo "Mail stays on this machine: each message the site sends is a file in $(CURDIR)/sent-mail/"
	$(BIN)/python manage.py runserver 127.0.0.1:8000

## test: install test tools, then lint, missing-migration check and the whole test suite (browser tests included)
test: lint check-migrations browser-deps fonts
	$(BIN)/pytest

## fonts: DejaVu Sans (Debian's fonts-dejavu-core), the font of the sharing images (discovery/share_image.py)
fonts:
	@[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-dejavu-core >/dev/null; }

## browser-deps: Debian's Chromium (never `playwright install`), Java, and the npm tools of the audits (vnu, Lighthouse)
browser-deps: node_modules/.installed
	@[ -x /usr/bin/chromium ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; }
	@command -v java >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null; }

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## audit: Lighthouse (mobile) on the home, list, school, open-data and selection pages; fails below 100 in any category
audit: $(VENV)/.installed-test browser-deps
	$(BIN)/python scripts/audit.py

## bench: requests/s and latency of each page at 10 and 10,000 schools, against the same bytes as a static file
bench: $(VENV)/.installed-test
	$(BIN)/python scripts/bench.py

## load: 60 s at 64 connections against gunicorn + PostgreSQL; no error, no 5xx, no growing memory
load: $(VENV)/.installed-test
	$(BIN)/python scripts/load.py

## backup / restore: the whole content of the database as a JSON file (BACKUP=path, default backup.json);
## restore refuses the development database unless RESTORE_OPTIONS=--base-de-developpement (see README)
BACKUP ?= backup.json
backup: $(VENV)/.installed
	$(BIN)/python manage.py backup $(BACKUP)

restore: $(VENV)/.installed
	$(BIN)/python manage.py restore $(BACKUP) $(RESTORE_OPTIONS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check-migrations: $(VENV)/.installed-test
	$(TEST_SETTINGS) $(BIN)/python manage.py makemigrations --check --dry-run

## reload-data: put the fixtures' values back into the local database (overwrites edits to those rows)
reload-data: $(VENV)/.installed
	$(BIN)/python manage.py load_directory --force

## lock: re-pin dependencies from pyproject.toml (needs the registry)
lock: $(VENV)/.installed-test
	$(BIN)/pip install --quiet uv
	UV_PYTHON_DOWNLOADS=never $(BIN)/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes -o requirements.txt
	UV_PYTHON_DOWNLOADS=never $(BIN)/uv pip compile pyproject.toml --extra test --python-version 3.11 --generate-hashes -o requirements-test.txt

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .test-media

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements-test.txt $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@
