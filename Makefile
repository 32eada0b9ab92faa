# `make run` and `make test` need only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# With DEBUG off (the default) the server needs SECRET_KEY: unless it is set, make's targets use
# a key of this checkout's own, made on first use in .secret_key (git-ignored).
export SECRET_KEY ?= $(shell cat .secret_key 2>/dev/null || $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' | tee .secret_key)

.PHONY: run test lint migrate demo reset clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

migrate: $(STAMP)
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo

# Empties the database (DATABASE_URL!) and loads the demo data again, exactly as a fresh
# `make run` has it: the ids the README's examples name hold again. Run it with the server up.
reset: migrate
	$(BIN)/python manage.py seed_demo --reset

# gunicorn (gunicorn.conf.py) and the job worker (run_huey) together; Ctrl-C stops both.
run: demo
	$(BIN)/python manage.py collectstatic --noinput -v0
	BIN=$(BIN) scripts/serve

test: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
