"""Production settings, brute-force protection and the security headers."""

import os
import shutil
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import global_settings, settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from rest_framework.test import APIClient

from newsroom import bootstrap
from newsroom import settings as production

LOGIN = reverse("admin:login")
PASSWORD = "correct horse battery staple"

# The variables the explicit bootstrap step hands to the settings, and the ones an
# operator sets: a subprocess starts from none of them unless a test says so.
LOCAL = {bootstrap.EMBEDDED_DATABASE_URL, bootstrap.LOCAL_SECRET_KEY}
CONFIGURATION = {
    *LOCAL,
    "DATABASE_URL",
    "DJANGO_SECRET_KEY",
    "DJANGO_DEBUG",
    "SITE_URL",
    "STATE_DIR",
    "CELERY_BROKER_URL",
    "REDIS_URL",
}
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "k" * 20 + "x9!Qz" * 8 + "unique-enough-for-the-check",
    "DJANGO_ALLOWED_HOSTS": "factcheck.example.org",
    "SITE_URL": "https://factcheck.example.org",
    # check --deploy does not connect; the processes below refuse before they do.
    "DATABASE_URL": "postgres://desk@127.0.0.1:5432/desk",
}


def environment(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in CONFIGURATION}
    # The desk's own settings, not the test suite's (tests/settings.py).
    env["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
    return {**env, **values}


def test_it_passes_the_deploy_check_with_production_values():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=environment(**PRODUCTION),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PROCESSES = {
    "check --deploy": ["manage.py", "check", "--deploy"],
    "web": ["-m", "gunicorn", "newsroom.wsgi", "--bind", "127.0.0.1:{port}"],
    "worker": ["-m", "celery", "-A", "newsroom", "worker", "--pool", "solo"],
    "beat": ["-m", "celery", "-A", "newsroom", "beat"],
}


@pytest.mark.parametrize("variable", ["DATABASE_URL", "DJANGO_SECRET_KEY"])
@pytest.mark.parametrize("process", PROCESSES)
def test_it_refuses_to_start_in_production_without(process, variable, tmp_path):
    env = environment(**PRODUCTION, STATE_DIR=str(tmp_path / "state"))
    del env[variable]
    command = [
        arg.format(port=free_port()) for arg in [sys.executable, *PROCESSES[process]]
    ]

    result = subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        command,
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert f"{variable} is not set" in result.stdout + result.stderr
    # Neither the embedded database nor a generated key stood in for it.
    assert not (tmp_path / "state" / "pg").exists()
    assert not (tmp_path / "state" / "secret_key").exists()


def postgres_processes_in(folder: Path) -> list[str]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            command = cmdline.read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue  # ended while we looked
        if str(folder) in command and "postgres" in command:
            found.append(command)
    return found


def test_it_imports_the_settings_without_starting_or_writing_anything(tmp_path):
    checkout = tmp_path / "checkout"
    shutil.copytree(
        settings.BASE_DIR,
        checkout,
        ignore=shutil.ignore_patterns(
            ".venv", ".lock-tools", ".data", ".git", "__pycache__", "staticfiles"
        ),
    )
    before = sorted(checkout.rglob("*"))

    result = subprocess.run(
        [sys.executable, "-c", "import newsroom.settings"],
        cwd=checkout,
        env={**environment(), "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert sorted(checkout.rglob("*")) == before
    assert not (checkout / ".data").exists()
    assert postgres_processes_in(checkout) == []


def test_it_sets_up_the_local_defaults_in_the_explicit_step(tmp_path, monkeypatch):
    state = tmp_path / "state"
    monkeypatch.setenv("STATE_DIR", str(state))
    monkeypatch.setenv("SITE_URL", "http://127.0.0.1:8000")
    for name in ("DJANGO_SECRET_KEY", bootstrap.LOCAL_SECRET_KEY, "CELERY_BROKER_URL"):
        monkeypatch.delenv(name, raising=False)
    # The database is this suite's own (already set up): the step leaves it alone.
    database = os.environ.get("DATABASE_URL") or os.environ.get(
        bootstrap.EMBEDDED_DATABASE_URL
    )

    bootstrap.prepare()
    bootstrap.prepare()

    key = (state / "secret_key").read_text()
    assert os.environ[bootstrap.LOCAL_SECRET_KEY] == key
    assert len(key) >= 50
    assert (state / "secret_key").stat().st_mode & 0o777 == 0o600
    assert (state / "queue" / "processed").is_dir()
    assert (state / "queue" / "control").is_dir()
    assert database in {
        os.environ.get("DATABASE_URL"),
        os.environ.get(bootstrap.EMBEDDED_DATABASE_URL),
    }


def test_it_fails_the_deploy_check_with_local_defaults():
    env = environment(
        DJANGO_SECRET_KEY="short", DATABASE_URL=PRODUCTION["DATABASE_URL"]
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout  # no HSTS over http


def test_it_checks_database_connections_before_reusing_them():
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def test_it_hashes_passwords_in_production_with_a_slow_hash():
    # The suite swaps in a fast hasher (tests/settings.py); production must not.
    hashers = getattr(production, "PASSWORD_HASHERS", global_settings.PASSWORD_HASHERS)
    assert import_string(hashers[0]).algorithm in {"pbkdf2_sha256", "argon2", "scrypt"}


def test_it_keeps_debug_off_unless_asked():
    assert settings.DEBUG is False


def login(client, username, password, ip="203.0.113.5"):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
    )


@pytest.mark.django_db
def test_it_locks_a_username_and_address_after_five_failures(client, editor):
    for _ in range(4):
        assert login(client, "layla", "wrong").status_code == 200
    assert login(client, "layla", "wrong").status_code == 429  # the fifth locks

    locked = login(client, "layla", PASSWORD)

    assert locked.status_code == 429
    assert "Too many failed log-ins" in locked.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_it_still_lets_the_same_person_in_from_another_address(client, editor):
    for _ in range(5):
        login(client, "layla", "wrong", ip="203.0.113.5")

    response = login(client, "layla", PASSWORD, ip="198.51.100.7")

    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == editor.pk


@pytest.mark.django_db
def test_it_unlocks_after_the_fifteen_minute_cool_off(client, editor):
    for _ in range(5):
        login(client, "layla", "wrong")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    response = login(client, "layla", PASSWORD)

    assert response.status_code == 302


@pytest.mark.django_db
def test_it_resets_the_failure_count_on_a_successful_login(client, editor):
    for _ in range(4):
        login(client, "layla", "wrong")
    assert login(client, "layla", PASSWORD).status_code == 302
    client.logout()

    for _ in range(4):
        login(client, "layla", "wrong")
    assert login(client, "layla", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_it_sends_a_strict_content_security_policy_and_security_headers(client):
    response = client.get(LOGIN)

    csp = response.headers["Content-Security-Policy"]
    directives = dict(part.partition(" ")[::2] for part in csp.split("; "))
    assert directives["script-src"] == "'self'"
    assert "'unsafe-inline'" not in directives["script-src"]
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.django_db
def test_it_lets_an_editor_log_in_and_see_the_queue_under_the_policy(client, editor):
    response = login(client, "layla", PASSWORD)
    assert response.status_code == 302

    queue = client.get(reverse("admin:factcheck_claim_changelist"))

    assert queue.status_code == 200
    assert "Content-Security-Policy" in queue.headers


@pytest.mark.django_db
def test_it_locks_out_the_client_behind_the_proxy_not_the_proxy(
    client, editor, settings
):
    settings.PROXY_COUNT = 1
    proxy = "10.0.0.2"
    settings.PROXY_ADDRESSES = ["10.0.0.0/24"]

    def attempt(password, reader):
        return client.post(
            LOGIN,
            {"username": "layla", "password": password, "next": "/admin/"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=reader,
        )

    for _ in range(5):
        attempt("wrong", "203.0.113.9")

    assert attempt(PASSWORD, "203.0.113.9").status_code == 429
    assert attempt(PASSWORD, "198.51.100.4").status_code == 302


@pytest.mark.django_db
def test_it_ignores_x_forwarded_for_from_a_peer_that_is_not_our_proxy(
    client, editor, settings
):
    # gunicorn reached directly, past nginx: the header is the caller's own say.
    settings.PROXY_COUNT = 1
    stranger = "203.0.113.66"

    def attempt(password, claimed):
        return client.post(
            LOGIN,
            {"username": "layla", "password": password, "next": "/admin/"},
            REMOTE_ADDR=stranger,
            HTTP_X_FORWARDED_FOR=claimed,
        )

    for n in range(5):
        attempt("wrong", f"198.51.100.{n}")

    assert attempt(PASSWORD, "198.51.100.200").status_code == 429


@pytest.mark.django_db
def test_it_throttles_the_api_by_the_same_address_as_the_lockout(settings):
    settings.PROXY_COUNT = 1
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "user": "100/min"},
    }
    cache.clear()
    api = APIClient()

    def read(peer: str, forwarded: str):
        return api.get(
            "/api/v1/ratings/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded
        ).status_code

    # Behind our proxy (127.0.0.1 by default) each reader has their own rate ...
    assert [read("127.0.0.1", f"198.51.100.{n}") for n in range(3)] == [200] * 3
    # ... and a caller reaching the server directly cannot pick a new address.
    spoofed = [read("203.0.113.66", f"192.0.2.{n}") for n in range(3)]
    assert spoofed == [200, 200, 429]


def test_it_redelivers_a_task_only_after_it_could_have_finished_and_retried():
    options = settings.REDIS_BROKER_OPTIONS
    assert options["visibility_timeout"] > (
        settings.CELERY_TASK_TIME_LIMIT + settings.TASK_RETRY_BACKOFF_MAX
    )
    assert options["socket_timeout"] <= 2
    assert options["socket_connect_timeout"] <= 2
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT
