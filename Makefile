# The two commands the README opens with: `make demo` and `make test`.
# Each sets itself up: Debian packages (as root), then a virtual environment in .venv.
VENV := .venv
PYTHON ?= python3

.PHONY: demo test lint sysdeps bench

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e ".[test]"
	touch $@

sysdeps:
	@sh .ci/system-deps.sh

demo: sysdeps $(VENV)/.installed
	$(VENV)/bin/screener demo

test: sysdeps $(VENV)/.installed
	$(VENV)/bin/ruff check screener tests
	$(VENV)/bin/mypy screener/core screener/types.py
	$(VENV)/bin/lint-imports
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/python -m pytest -p no:cacheprovider

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check screener tests
	$(VENV)/bin/mypy screener/core screener/types.py
	$(VENV)/bin/lint-imports
