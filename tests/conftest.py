"""Personas of the newsroom, built in code for every test that needs them."""

import os

import pytest
from django.conf import settings
from django.utils import translation

from tests import factories

pytest_plugins = ["tests.network"]


def _a_redis_database_per_worker() -> None:
    """Parallel test workers each get their own Redis database (or cache folder).

    They share one Redis server (CI's), and tests clear the cache and count
    throttles and quotas in it; sharing one database, one worker's clear() or
    counter would leak into another's test. Runs at import, before any cache is
    opened.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    for cache in settings.CACHES.values():
        if cache["BACKEND"].endswith("FileCache"):
            # Not the running desk's cache, and one folder per test worker.
            folder = settings.BASE_DIR / ".data" / f"test-cache-{worker}"
            cache["LOCATION"] = str(folder)
        elif worker and cache["BACKEND"].startswith("django_redis"):
            base, _, database = cache["LOCATION"].rpartition("/")
            offset = int(worker.removeprefix("gw")) + 1
            cache["LOCATION"] = f"{base}/{int(database or 0) + offset}"


_a_redis_database_per_worker()


def _an_in_memory_broker() -> None:
    """Tasks enqueued by tests go to an in-process broker that no worker reads.

    Nothing piles up in a real broker, and `enqueued` below can see what was sent.
    The broker tests (test_worker_reliability.py) run real workers on Redis.
    """
    from newsroom.celery import app

    # Celery reads CELERY_BROKER_URL from the environment before its own
    # configuration; CI sets it, and the memory broker must still win.
    os.environ.pop("CELERY_BROKER_URL", None)
    app.conf.broker_url = "memory://"
    app.conf.broker_transport_options = {}


_an_in_memory_broker()


# The slow parts (pyproject.toml's markers), slowest first.
SLOW = ("workers", "bench", "browser")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow tests first, otherwise in file order.

    Runs before pytest-django's own sort, which then groups the tests as Django
    does (transactional ones after the rest: they empty the database) and keeps
    this order within each group. pytest-xdist hands tests out in that order,
    round-robin at first, so the slow ones are shared among its workers while the
    quick ones fill in around them, instead of one worker running the last file's
    Celery workers alone at the end of the run.
    """

    def slowness(item: pytest.Item) -> int:
        marked = [i for i, name in enumerate(SLOW) if item.get_closest_marker(name)]
        return min(marked, default=len(SLOW))

    items.sort(key=slowness)


@pytest.fixture
def enqueued():
    """Drain the in-memory broker: returns [(task name, args)] sent since last call."""
    from newsroom.celery import app

    def drain() -> list[tuple[str, list]]:
        sent = []
        with app.connection_for_write() as connection:
            queue = connection.SimpleQueue(app.conf.task_default_queue)
            while True:
                try:
                    message = queue.get(block=False)
                except queue.Empty:
                    break
                args, _kwargs, _embed = message.decode()
                sent.append((message.headers["task"], list(args)))
                message.ack()
            queue.close()
        return sent

    drain()
    return drain


@pytest.fixture(autouse=True)
def _an_empty_cache():
    """Redis and the cache folder outlive a run and a test's database does not:
    each test starts from an empty cache (its worker's own), so no page cached
    under one test's rows is served to the next under the same generation."""
    from django.core.cache import caches

    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture(autouse=True)
def default_language():
    """Start every test in the default language.

    LocaleMiddleware activates a request's language for the rest of the thread, and
    the test client serves requests in the test's own thread: after a test reads an
    Arabic page, the next one in that worker would otherwise get Arabic messages.
    """
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def fact_checker(db):
    return factories.user("fatima", "Fact-checkers", first_name="Fatima")


@pytest.fixture
def second_fact_checker(db):
    return factories.user("omar", "Fact-checkers", first_name="Omar")


@pytest.fixture
def editor(db):
    return factories.user("layla", "Editors", first_name="Layla")


@pytest.fixture
def second_editor(db):
    return factories.user("karim", "Editors", first_name="Karim")


@pytest.fixture
def administrator(db):
    return factories.user("admin_amal", "Administrators", first_name="Amal")


@pytest.fixture
def outsider(db):
    """Has an account, but no role and no staff flag: sees nothing of the desk."""
    return factories.user("visitor", is_staff=False)


@pytest.fixture
def staff_without_role(db):
    return factories.user("intern", is_staff=True)
