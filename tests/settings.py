"""The settings the test suite runs with: the desk's own, after the explicit step
that every entry point takes first (the embedded PostgreSQL and a generated key
when DATABASE_URL and DJANGO_SECRET_KEY are unset).

pytest-django reads the settings before any conftest.py is imported, so the step
is taken here.
"""

from newsroom import bootstrap

bootstrap.prepare()

from newsroom.settings import *  # noqa: E402, F403

# Every persona a test makes hashes its password; production's PBKDF2 (a million
# rounds) made that most of the suite's time. Django's advice for tests. A test
# that means the real hasher sets it back (test_settings.py checks production's).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
