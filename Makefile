# `make run` and `make test` need only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Two stamps: the server's requirements (make run, migrate, demo) and, on top, the test and
# tooling stack (make test, make lint). `make run` never installs requirements-dev.txt.
SERVER_STAMP := $(VENV)/.installed-server
DEV_STAMP := $(VENV)/.installed-dev
# With DEBUG off (the default) the server needs SECRET_KEY: unless it is set, make's targets use
# a key of this checkout's own, made on first use in .secret_key (git-ignored).
export SECRET_KEY ?= $(shell cat .secret_key 2>/dev/null || $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' | tee .secret_key)

.PHONY: run test lint migrate demo reset clean

# Python compiles each module it imports and caches the bytecode (packages are installed
# without it, below). Where the environment sets PYTHONDONTWRITEBYTECODE nothing is cached: every
# process compiles Django, DRF and the apps again, about 1 s of CPU each (each gunicorn worker,
# job worker and manage.py the tests start, each pytest-xdist worker). make's targets cache it in
# .pycache/ there instead (one ignored directory: nothing beside the sources or in the venv).
ifneq ($(PYTHONDONTWRITEBYTECODE),)
export PYTHONDONTWRITEBYTECODE :=
export PYTHONPYCACHEPREFIX ?= $(CURDIR)/.pycache
endif

# The venv gets no pip of its own where the interpreter's pip can install into it (`pip
# --python`, pip 22.3 and newer): ensurepip costs about 4 s of a first `make run`. Packages are
# not byte-compiled at install (about 4 s more): Python compiles what the server imports on first
# use. To add a package by hand: `python3 -m pip --python .venv/bin/python install NAME`.
BASE_PIP_WORKS := $(shell $(PYTHON) -m pip --python "$$(command -v $(PYTHON))" --version >/dev/null 2>&1 && echo yes)
PIP_FLAGS := --quiet --disable-pip-version-check --no-compile
ifeq ($(BASE_PIP_WORKS),yes)
VENV_FLAGS := --without-pip
PIP_INSTALL = $(PYTHON) -m pip --python $(BIN)/python install $(PIP_FLAGS) $(1)
else
VENV_FLAGS :=
PIP_INSTALL = $(BIN)/pip install $(PIP_FLAGS) $(1)
endif

$(SERVER_STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV_FLAGS) $(VENV)
	$(call PIP_INSTALL,-r requirements.txt)
	touch $(SERVER_STAMP)

$(DEV_STAMP): $(SERVER_STAMP) requirements-dev.txt
	$(call PIP_INSTALL,-r requirements-dev.txt)
	touch $(DEV_STAMP)

migrate: $(SERVER_STAMP)
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo

# Empties the database (DATABASE_URL!) and loads the demo data again, exactly as a fresh
# `make run` has it: the ids the README's examples name hold again. Run it with the server up.
reset: migrate
	$(BIN)/python manage.py seed_demo --reset

# gunicorn (gunicorn.conf.py) and the job worker (run_huey) together; Ctrl-C stops both.
# collectstatic needs no database: it runs beside the migrations and the demo data.
run: $(SERVER_STAMP)
	$(BIN)/python manage.py collectstatic --noinput -v0 & static=$$!; \
	$(MAKE) --no-print-directory demo && wait $$static
	BIN=$(BIN) scripts/serve

# The suite in parallel (pytest-xdist; tests/conftest.py keeps the tests sharing a server, a
# browser or a module fixture on one worker), skip reasons listed at the end. One worker per
# core and one more: tests wait on the servers, job workers and browsers they start and on
# their timeouts, the cores idle about a sixth of a SQLite run with one worker each, and the
# extra worker fills those waits (on PostgreSQL it neither gains nor loses wall time;
# docs/development.md). The cores are those this process may run on, where the OS says.
TEST_WORKERS ?= $(shell $(PYTHON) -c 'import os; cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1; print(cores + 1)')
PYTEST_ARGS ?= -n $(TEST_WORKERS) --dist loadgroup -rs
test: $(DEV_STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .pycache
