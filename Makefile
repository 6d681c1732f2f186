# The two commands of the README: `make run` and `make test`. Both work on a fresh
# machine with only Python 3.11+ and make: they create .venv and install into it
# from the locks in requirements/ (every package pinned, with its hashes).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Links printed and published by a local run point at the port it serves.
SITE_URL ?= http://127.0.0.1:$(PORT)
export PORT SITE_URL
# The tool that compiles the locks, in a virtualenv of its own (not the app's).
LOCK_TOOLS := .lock-tools
UV_VERSION := 0.13.9

.PHONY: run test test-fast lint format messages bench lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when a lock changes. local.txt: production's packages plus the
# embedded PostgreSQL and Babel; dev.txt: those plus the test and lint tools.
$(VENV)/.installed-%: requirements/%.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r $<
	touch $@

# The committed Arabic catalogue (locale/ar/LC_MESSAGES/django.po) compiled by Babel,
# so no GNU gettext is needed; the .mo files are not committed.
messages: $(VENV)/.installed-local
	$(BIN)/pybabel compile -d locale -D django

# Web, Celery worker and beat together (the Procfile's three processes); Ctrl-C
# stops all three. Without CELERY_BROKER_URL the broker is a folder under .data/.
run: $(VENV)/.installed-local messages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@trap 'kill $$(jobs -p) 2>/dev/null; wait' EXIT; \
	$(BIN)/celery -A newsroom worker --loglevel INFO --concurrency 2 & \
	$(BIN)/celery -A newsroom beat --loglevel INFO & \
	$(BIN)/gunicorn --config deploy/gunicorn.conf.py newsroom.wsgi

test: $(VENV)/.installed-dev messages
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest -n auto

# The edit-test loop: everything but the slow parts (the markers in pyproject.toml:
# Chromium, real Celery workers on Redis, the benchmark). `make test` runs them too.
test-fast: $(VENV)/.installed-dev messages
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/pytest -n auto -m "not browser and not workers and not bench"

# The desk at newsroom scale against Django's own ceiling (README, "Benchmark").
# BENCH_SCALE=small|default|large; results in bench/results/latest.json.
bench: $(VENV)/.installed-dev messages
	$(BIN)/python -m bench

lint: $(VENV)/.installed-dev
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Compile the locks from pyproject.toml: each later lock is constrained by the one
# before it, so the three agree on every version they share. Run after changing a
# dependency there; without a change it picks up newer releases of the indirect ones.
UV_COMPILE = ../$(LOCK_TOOLS)/bin/uv pip compile ../pyproject.toml --quiet \
	--generate-hashes --python-version 3.11 --custom-compile-command "make lock"
lock:
	test -x $(LOCK_TOOLS)/bin/uv || { $(PYTHON) -m venv $(LOCK_TOOLS) && \
		$(LOCK_TOOLS)/bin/pip install --quiet uv==$(UV_VERSION); }
	cd requirements && $(UV_COMPILE) --upgrade -o production.txt
	cd requirements && $(UV_COMPILE) --upgrade --extra local \
		--constraint production.txt -o local.txt
	cd requirements && $(UV_COMPILE) --upgrade --extra local --extra dev \
		--constraint local.txt -o dev.txt
