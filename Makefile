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

examples: install
	@for name in $(DEMO_SPECS); do \
		spec=specs/$$name; \
		for suffix in .yaml .graphql .proto; do [ -f specs/$$name$$suffix ] && spec=specs/$$name$$suffix; done; \
		$(BIN)/contractgen generate $$spec --out examples/$$name --package $$name || exit 1; \
	done

clean:
	rm -rf build dist $(VENV)
