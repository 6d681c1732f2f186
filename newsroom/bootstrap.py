"""The explicit step that sets up what the settings only read.

Importing newsroom.settings starts nothing and writes nothing. Every entry point
(manage.py, newsroom/wsgi.py and asgi.py, Celery's configuration in
newsroom/celery.py, and the test suite's tests/settings.py) calls `prepare()` before
the settings load. Locally, with DATABASE_URL unset, it starts the embedded
PostgreSQL (the pgserver package, its data under STATE_DIR/pg) and with
DJANGO_SECRET_KEY unset it generates a key once into STATE_DIR/secret_key; it hands
both to the settings through the environment, so the processes a prepared process
starts inherit them. In production it starts nothing and refuses to go on without
both variables.
"""

import os
import secrets
import warnings
from pathlib import Path

from newsroom import environment

# Set by prepare() only, read by the settings: not for operators to set.
EMBEDDED_DATABASE_URL = "NEWSROOM_EMBEDDED_DATABASE_URL"
LOCAL_SECRET_KEY = "NEWSROOM_LOCAL_SECRET_KEY"  # noqa: S105 (a variable name)


def prepare() -> None:
    """Idempotent, and cheap once done: a second call in the same process, or in a
    process started by a prepared one, finds the environment already set."""
    environment.refuse_incomplete_production()
    state = environment.state_dir()
    if not os.environ.get("CELERY_BROKER_URL"):
        local_queue(state / "queue")
    if environment.is_production():
        return
    if not os.environ.get("DATABASE_URL") and not os.environ.get(EMBEDDED_DATABASE_URL):
        os.environ[EMBEDDED_DATABASE_URL] = embedded_database_url(state / "pg")
    if not os.environ.get("DJANGO_SECRET_KEY") and not os.environ.get(LOCAL_SECRET_KEY):
        os.environ[LOCAL_SECRET_KEY] = local_secret_key(state)


def embedded_database_url(data_dir: Path) -> str:
    """Start (or reuse) the embedded PostgreSQL and return its URL.

    pgserver keeps the server running between processes and only starts it when
    its postmaster is not alive, so every process of `make run` shares one server.
    """
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, containers); harmless.
        warnings.simplefilter("ignore")
        import pgserver

        data_dir.mkdir(parents=True, exist_ok=True)
        server = pgserver.get_server(data_dir, cleanup_mode=None)
    # pgserver's URI addresses the Unix socket in the data directory.
    return server.get_uri()


def local_secret_key(data_dir: Path) -> str:
    """Generated once per checkout, so local sessions survive restarts and nothing
    secret is ever committed."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


def local_queue(folder: Path) -> None:
    # kombu's filesystem transport (the broker when none is configured) expects
    # its folders to exist.
    for name in ("processed", "control"):
        (folder / name).mkdir(parents=True, exist_ok=True)
