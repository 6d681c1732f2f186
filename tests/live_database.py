"""The running test's database as a URL, for the processes a test starts."""

from urllib.parse import quote, urlencode

from django.db import connection


def database_url() -> str:
    """This test's database (test_…, not the one the settings name) as a URL.

    The embedded PostgreSQL is reached through a Unix socket directory, which the
    settings keep in OPTIONS["host"] (or HOST); both travel as a `host` query
    parameter, which dj_database_url turns back into OPTIONS.
    """
    db = connection.settings_dict
    options = {key: str(value) for key, value in db.get("OPTIONS", {}).items()}
    host = db["HOST"] or ""
    if host.startswith("/"):
        options["host"], host = host, ""
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    query = f"?{urlencode(options)}" if options else ""
    return f"postgresql://{credentials}@{host}{port}/{quote(db['NAME'])}{query}"
