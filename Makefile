# Two commands do everything on a fresh machine with only Python:
#   make demo   install, generate the bundled example services, run their contract tests
#   make test   install with test extras, run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_SPECS := petstore showcase bookshop chat inventory store

.PHONY: demo test install clean lint examples

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# generate specs/NAME.yaml, specs/NAME.graphql or specs/NAME/ into build/demo/NAME, pip install -e it, run its tests/contract; prints a summary
demo: install
	@$(BIN)/python scripts/demo.py $(DEMO_SPECS)

test: install
	$(BIN)/python -m pytest -n 2 -q

lint: install
	$(BIN)/ruff check generator tests
	$(BIN)/mypy

# regenerate the committed examples/ from specs/ (the jobs in contractgen.yaml)
examples: install
	$(BIN)/contractgen generate

clean:
	rm -rf build dist $(VENV)
