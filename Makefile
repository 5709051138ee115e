# newsdesk — the two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_DB ?= demo.db

.PHONY: install demo test lint bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/.installed

demo: install
	$(BIN)/newsdesk ingest sample --db $(DEMO_DB) || test $$? -eq 1
	@echo "newsdesk demo: open http://$(HOST):$(PORT)/"
	$(BIN)/newsdesk serve --db $(DEMO_DB) --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check newsdesk tests bench
	$(BIN)/ruff format --check newsdesk tests bench

test: install lint
	$(BIN)/pytest -q

bench: install
	$(BIN)/pip install --quiet -e ".[test,bench]"
	$(BIN)/python bench/extraction.py
	$(BIN)/python bench/ingest_rate.py --write

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache $(DEMO_DB)*
