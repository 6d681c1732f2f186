"""Reading the environment: the typed helpers the settings use, and the rules that
more than the settings need (what counts as production, where state is kept).

Nothing here writes a file, starts a process or changes the environment, so the
settings can import it.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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


def env_time_zone(name: str, default: str) -> str:
    """An IANA time zone name (`Asia/Amman`), refused with its name if unknown,
    so a misspelt zone stops the desk instead of publishing at the wrong hour."""
    value = os.environ.get(name) or default
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a time zone; use an IANA name such as "
            f"Asia/Amman or UTC."
        ) from exc
    return value


EMAIL_SCHEMES = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "submission": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}


def email_settings(url: str) -> dict:
    """Django's EMAIL_* settings from one EMAIL_URL, in the spirit of DATABASE_URL:

    - `smtp://user:password@host:587` — SMTP with STARTTLS (`?tls=0` turns it off)
    - `smtps://user:password@host:465` — SMTP over TLS from the first byte
    - `console://` — messages printed to the process's output (the default)

    User name and password are percent-decoded (`%40` for an @ in a user name).
    An empty URL means the console. Anything else is refused with its scheme.
    """
    parts = urlsplit(url or "console://")
    backend = EMAIL_SCHEMES.get(parts.scheme)
    if backend is None:
        raise ImproperlyConfigured(
            f"EMAIL_URL has the scheme {parts.scheme!r}; use smtp://, smtps:// "
            f"or console://."
        )
    if parts.scheme in ("console", "locmem"):
        return {
            "EMAIL_BACKEND": backend,
            "EMAIL_HOST": "localhost",
            "EMAIL_PORT": 25,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
            "EMAIL_USE_TLS": False,
            "EMAIL_USE_SSL": False,
        }
    query = parse_qs(parts.query)
    implicit_tls = parts.scheme == "smtps"
    starttls = not implicit_tls and query.get("tls", ["1"])[0] not in ("0", "false")
    return {
        "EMAIL_BACKEND": backend,
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or (465 if implicit_tls else 587),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": starttls,
        "EMAIL_USE_SSL": implicit_tls,
    }
