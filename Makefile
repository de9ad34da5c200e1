# Two set-up commands (README): `make run` starts the app, `make test` runs every test.
# Both create or reuse .venv in the repository root and are safe to repeat.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python

.PHONY: run test lint test-keyring bench clean

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

# Lint and types, the keyring contract against a real Secret Service, then every test
# (the benchmarks included) headless.
test: lint test-keyring
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

lint: $(VENV)/.installed-dev
	@.ci/system-deps test
	$(PY) -m ruff check core app tests
	$(PY) -m mypy

# The keyring contract suite against a real Secret Service: a private D-Bus session with
# gnome-keyring unlocked by a throwaway password, its files in a temporary XDG_DATA_HOME
# and XDG_RUNTIME_DIR (never the user's own keyring or daemon). Fails, rather than skips,
# if no Secret Service comes up.
test-keyring: $(VENV)/.installed-dev
	@.ci/system-deps keyring
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	env -u GNOME_KEYRING_CONTROL XDG_DATA_HOME="$$tmp" XDG_RUNTIME_DIR="$$tmp" \
	  TESSERA_REQUIRE_SECRET_SERVICE=1 dbus-run-session -- sh -c \
	  'printf test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && \
	   $(PY) -m pytest -q -rs tests/core/test_keystore_contract.py'

# Only the benchmarks, with their tables printed.
bench: $(VENV)/.installed-dev
	$(PY) -m pytest -q -s tests/benchmarks

clean:
	rm -rf $(VENV) build *.egg-info
