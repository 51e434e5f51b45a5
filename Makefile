# quotegraph — the two commands: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
KG := $(BIN)/kg
STAMP := $(VENV)/.installed

.PHONY: demo test install lint clean exports

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

# Build the bundled sample into a fresh store and write the committed exports.
demo: $(STAMP)
	rm -rf exports/demo.db
	$(KG) build examples/articles --store exports/demo.db
	$(KG) export --store exports/demo.db --format turtle -o exports/iraq-troops.ttl
	$(KG) export --store exports/demo.db --format graphml -o exports/iraq-troops.graphml
	$(KG) validate --store exports/demo.db
	$(KG) report --store exports/demo.db -o exports/report.html
	$(KG) quotes --store exports/demo.db
	rm -rf exports/demo.db

test: $(STAMP)
	$(BIN)/ruff check kg tests benchmarks
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check kg tests benchmarks

clean:
	rm -rf $(VENV) kg.db .pytest_cache
