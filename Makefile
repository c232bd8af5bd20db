# The two commands:  make run  (whole system on this machine)  and  make test  (the suite + lint).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: run test lint migrate venv clean env-file bench-pipecat-env

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] >= (3, 11), "Python 3.11+ is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-gpu.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@ $(VENV)/.runtime-installed

venv: $(VENV)/.runtime-installed

# bench/peer_pipecat.py's own environment: the product and Pipecat (bench/requirements-pipecat.txt), apart
bench-pipecat-env: .venv-pipecat/.installed

.venv-pipecat/.installed: requirements.txt bench/requirements-pipecat.txt
	$(PYTHON) -m venv .venv-pipecat
	.venv-pipecat/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	.venv-pipecat/bin/pip install --quiet --disable-pip-version-check -r bench/requirements-pipecat.txt
	touch $@

env-file: | $(BIN)/python
	$(BIN)/python scripts/write_env_file.py .env

migrate: $(VENV)/.runtime-installed env-file
	$(BIN)/python manage.py migrate --noinput

run: migrate
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	exec $(BIN)/python manage.py run_system

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .

test: $(VENV)/.dev-installed
	bash scripts/install-test-packages.sh
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
