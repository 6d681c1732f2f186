"""The local cache backend keeps a counter's expiry, as Redis and local memory do.

Django's caches read the wall clock (time.time); time-machine stops it and moves it
forward, so an expiry is crossed without waiting for it.
"""

import datetime

import pytest
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache

from newsroom.cache import SharedFileCache

START = datetime.datetime(2026, 11, 1, 9, 0, tzinfo=datetime.UTC)
TEN_YEARS = datetime.timedelta(days=3653)


@pytest.fixture
def clock(time_machine):
    """The wall clock, stopped; `clock.shift(seconds)` moves it."""
    time_machine.move_to(START, tick=False)
    return time_machine


@pytest.fixture
def file_cache(tmp_path):
    return SharedFileCache(str(tmp_path), {})


@pytest.fixture(params=["file", "locmem"])
def any_cache(request, tmp_path):
    if request.param == "file":
        return SharedFileCache(str(tmp_path), {})
    return LocMemCache(f"test-{request.node.name}", {})


def test_a_counter_keeps_the_expiry_it_was_opened_with(file_cache, clock):
    file_cache.add("quota", 0, 60)
    clock.shift(59)
    assert file_cache.incr("quota") == 1
    assert file_cache.incr("quota", 2) == 3
    assert file_cache.get("quota") == 3

    # Django's own incr() would have started the default five minutes again at
    # each increment; the counter ends when the minute it was opened for does.
    clock.shift(2)

    assert file_cache.get("quota") is None


def test_a_counter_without_expiry_keeps_none(file_cache, clock):
    file_cache.set("count", 5, None)
    file_cache.incr("count")

    clock.shift(TEN_YEARS)

    assert file_cache.get("count") == 6
    assert file_cache.incr("count") == 7


def test_a_missing_counter_refuses_like_every_backend(any_cache):
    with pytest.raises(ValueError):
        any_cache.incr("never-set")


def test_an_expired_counter_refuses_like_every_backend(any_cache, clock):
    any_cache.set("brief", 1, 1)
    assert any_cache.incr("brief") == 2

    clock.shift(2)

    with pytest.raises(ValueError):
        any_cache.incr("brief")


def test_the_desk_uses_it_unless_redis_is_configured(settings):
    uses_redis = settings.CACHES["default"]["BACKEND"].startswith("django_redis")
    assert isinstance(caches["default"], SharedFileCache) is not uses_redis
