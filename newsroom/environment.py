"""Reading the environment: the typed helpers the settings use, and the rules that
more than the settings need (what counts as production, where state is kept).

Nothing here writes a file, starts a process or changes the environment, so the
settings can import it.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

# What production must name itself; the local defaults stand in for them elsewhere.
REQUIRED_IN_PRODUCTION = ("DATABASE_URL", "DJANGO_SECRET_KEY")


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def site_url() -> str:
    return os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")


def is_production() -> bool:
    """Debug off and an https SITE_URL: the desk is serving the public."""
    return not env_bool("DJANGO_DEBUG") and urlsplit(site_url()).scheme == "https"


def refuse_incomplete_production() -> None:
    """In production a missing database or secret key is an error, never a default:
    the embedded database would hold the newsroom's work in the checkout, and a
    generated key would change with the machine."""
    if not is_production():
        return
    for name in REQUIRED_IN_PRODUCTION:
        if not os.environ.get(name):
            raise ImproperlyConfigured(
                f"{name} is not set. Production (DJANGO_DEBUG off and an https "
                f"SITE_URL) requires it: the embedded database and the generated "
                f"secret key are for local use only."
            )


def state_dir() -> Path:
    """Where the processes keep what they write: beat's schedule, the local broker's
    and cache's folders, and locally the embedded database and secret key."""
    return Path(os.environ.get("STATE_DIR") or BASE_DIR / ".data")
