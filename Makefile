# The verbs of this project. `make run` and `make test` are all a newcomer needs (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
TEST_SETTINGS := DJANGO_SETTINGS_MODULE=normandy_ep.settings.test

.PHONY: run serve test lint format check-migrations data reload-data lock clean

## run: install, migrate, load the directory data once, serve on http://127.0.0.1:8000/
run: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_directory
	$(BIN)/python manage.py runserver 127.0.0.1:8000

## test: install test tools, then lint, missing-migration check and the whole test suite
test: lint check-migrations
	$(BIN)/pytest

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
