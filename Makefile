# newsdesk: `make demo` sets up and analyzes the bundled demo corpus; `make test` sets up and runs the tests.
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install demo test lint bench clean

install:
	@bash scripts/setup.sh

demo: install
	@rm -f out/demo.db
	$(BIN)/newsdesk analyze examples/corpus -o out --db sqlite:///out/demo.db

test:
	@bash scripts/setup.sh --system
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

bench: install
	$(BIN)/python bench/e2e.py
	$(BIN)/python bench/cluster.py
	$(BIN)/python bench/extract.py
	$(BIN)/python bench/reconcile.py

clean:
	rm -rf out test-artifacts .pytest_cache
