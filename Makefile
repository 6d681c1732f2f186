# The two commands of the README: `make run` and `make test`. Both work on a fresh
# machine with only Python 3.11+ and make: they create .venv and install into it.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Links printed and published by a local run point at the port it serves.
SITE_URL ?= http://127.0.0.1:$(PORT)
export PORT SITE_URL

.PHONY: run test install lint format messages bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the pinned requirements change.
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# The committed Arabic catalogue (locale/ar/LC_MESSAGES/django.po) compiled by Babel,
# so no GNU gettext is needed; the .mo files are not committed.
messages: install
	$(BIN)/pybabel compile -d locale -D django

# Web, Celery worker and beat together (the Procfile's three processes); Ctrl-C
# stops all three. Without CELERY_BROKER_URL the broker is a folder under .data/.
run: install messages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@trap 'kill $$(jobs -p) 2>/dev/null; wait' EXIT; \
	$(BIN)/celery -A newsroom worker --loglevel INFO --concurrency 2 & \
	$(BIN)/celery -A newsroom beat --loglevel INFO & \
	$(BIN)/gunicorn newsroom.wsgi --bind 127.0.0.1:$(PORT) --worker-class gthread \
		--workers 2 --threads 4 --access-logfile - --forwarded-allow-ips 127.0.0.1

test: install messages
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest -n auto

# The desk at newsroom scale against Django's own ceiling (README, "Benchmark").
# BENCH_SCALE=small|default|large; results in bench/results/latest.json.
bench: install messages
	$(BIN)/python -m bench

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
