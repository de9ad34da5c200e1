# Two set-up commands (README): `make run` starts the app, `make test` runs every test.
# Both create or reuse .venv in the repository root and are safe to repeat.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python


.PHONY: run test lint typecheck unit clean

$(PY):
	@.ci/system-deps venv
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.installed-gui: pyproject.toml | $(PY)
	$(PY) -m pip install -q -e ".[gui]"
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PY) -m pip install -q -e ".[dev]"
	@touch $@ $(VENV)/.installed-gui

run: $(VENV)/.installed-gui
	@.ci/system-deps run
	$(PY) -m app $(ARGS)

test: $(VENV)/.installed-dev
	@.ci/system-deps test
	$(PY) -m ruff check core app tests
	$(PY) -m mypy
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

clean:
	rm -rf $(VENV) build *.egg-info
