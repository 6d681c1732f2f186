"""The settings the test suite runs with: the desk's own, after the explicit step
that every entry point takes first (the embedded PostgreSQL and a generated key
when DATABASE_URL and DJANGO_SECRET_KEY are unset).

pytest-django reads the settings before any conftest.py is imported, so the step
is taken here.
"""

from newsroom import bootstrap

bootstrap.prepare()

from newsroom.settings import *  # noqa: E402, F403
