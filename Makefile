# reviewapp: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN = $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install run test lint format clean-instance

$(BIN)/reviewapp: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

install: $(BIN)/reviewapp

run: install
	$(BIN)/reviewapp db upgrade
	$(BIN)/reviewapp demo
	@# the job worker (CV imports) runs beside the server and stops with it
	$(BIN)/reviewapp worker & trap 'kill $$!' EXIT INT TERM; \
	  HOST=$(HOST) PORT=$(PORT) $(BIN)/reviewapp serve

test: install lint
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check reviewapp tests benchmarks
	$(BIN)/ruff format --check reviewapp tests benchmarks

format: install
	$(BIN)/ruff check --fix reviewapp tests benchmarks
	$(BIN)/ruff format reviewapp tests benchmarks
