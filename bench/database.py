"""The bench's databases: one per scale, next to the configured one, never it.

With DATABASE_URL naming `news`, the default-scale data lives in `news_bench_default`;
on the embedded server (no DATABASE_URL) in `bench_default`. BENCH_DATABASE replaces
the prefix (the test suite gives each parallel worker its own).
"""

import os

import psycopg
from django.conf import settings
from psycopg import sql


def bench_database_name(configured: str, scale: str) -> str:
    prefix = os.environ.get("BENCH_DATABASE") or (
        f"{configured}_bench" if os.environ.get("DATABASE_URL") else "bench"
    )
    return f"{prefix}_{scale}"


def _maintenance_connection() -> psycopg.Connection:
    """A connection to the server for CREATE and DROP DATABASE: to its `postgres`
    database, as Django's test runner does, or else to the configured one (which
    need not exist: pytest-django works with a name it only prefixes)."""
    db = settings.DATABASES["default"]
    configured = getattr(settings, "BENCH_MAINTENANCE_DATABASE", db["NAME"])
    params = {
        "host": db["HOST"] or None,
        "port": db["PORT"] or None,
        "user": db["USER"] or None,
        "password": db["PASSWORD"] or None,
        # The embedded server's socket directory comes as OPTIONS["host"].
        **db["OPTIONS"],
        "autocommit": True,
    }
    try:
        return psycopg.connect(dbname="postgres", **params)
    except psycopg.OperationalError:
        return psycopg.connect(dbname=configured, **params)


def ensure_database() -> str:
    name = settings.DATABASES["default"]["NAME"]
    with _maintenance_connection() as conn:
        found = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not found:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name


def drop_database(name: str) -> None:
    with _maintenance_connection() as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)
            )
        )
