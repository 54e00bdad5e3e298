# songrec: `make run` sets up and serves the site on embedded defaults; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SAMPLE_ROWS ?= 50000
SAMPLE := data/sample-$(SAMPLE_ROWS).csv
TEST_DATABASE_URL ?= postgres://postgres:postgres@localhost:5432/songrec

.PHONY: run test image stack-test lint deploy-lint format sample services clean

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet ".[dev]"
	touch $@

$(SAMPLE): | $(BIN)/.installed
	$(BIN)/python -m generator.synthetic --rows $(SAMPLE_ROWS) --seed 1 --planted 5 --out $@

sample: $(SAMPLE)

## Generate a sample, build recommendations with Spark, serve http://127.0.0.1:8000 (DEBUG off, as
## unless set: the site's own error pages; whitenoise serves the static files)
run: $(BIN)/.installed $(SAMPLE)
	.ci/ensure-services java
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py build_recs --input $(SAMPLE) --if-no-active-build
	$(BIN)/python manage.py runserver 127.0.0.1:8000

## Lint, build the image, then the whole test suite against PostgreSQL, Redis, Chromium and the
## Docker stack (each installed/started if missing)
test: $(BIN)/.installed
	.ci/ensure-services
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(MAKE) --no-print-directory deploy-lint
	$(MAKE) --no-print-directory image
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest

## The production image, built here from stand-in bases and local wheels (tests/stack/build-image.sh)
image: $(BIN)/.installed
	tests/stack/build-image.sh

## The stack tests alone: the image, then docker-compose's services on loopback ports
stack-test: image
	.ci/ensure-services postgres
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest tests/stack

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

## The deployment files without a Docker engine: hadolint, shellcheck, the compose file's schema
deploy-lint: $(BIN)/.installed
	.ci/ensure-services deploy-tools
	$(BIN)/hadolint Dockerfile
	shellcheck deploy/*.sh .ci/run .ci/ensure-services tests/stack/*.sh tests/stack/standins/*.sh
	$(BIN)/hadolint tests/stack/standins/*.Dockerfile
	SONGREC_ENV_FILE=deploy/env.template docker-compose -f docker-compose.yml \
		--profile spark --profile https config -q

format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf data/builds staticfiles .pytest_cache .ruff_cache
