"""Production settings, brute-force protection and the security headers."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

LOGIN = reverse("admin:login")
PASSWORD = "correct horse battery staple"


def test_it_passes_the_deploy_check_with_production_values():
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "k" * 20 + "x9!Qz" * 8 + "unique-enough-for-the-check",
        "DJANGO_ALLOWED_HOSTS": "factcheck.example.org",
        "SITE_URL": "https://factcheck.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_it_fails_the_deploy_check_with_local_defaults():
    env = {k: v for k, v in os.environ.items() if k not in {"SITE_URL"}}
    env["DJANGO_SECRET_KEY"] = "short"
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
