"""The embedded defaults that let the desk run with no services configured.

Used only when DATABASE_URL (or DJANGO_SECRET_KEY) is unset: a real PostgreSQL from
the pgserver package, its data under .data/pg, and a secret key generated once.
"""

import secrets
import warnings
from pathlib import Path


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
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()
