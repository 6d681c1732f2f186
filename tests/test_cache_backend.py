"""The local cache backend keeps a counter's expiry, as Redis and local memory do."""

import time

import pytest
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache

from newsroom.cache import SharedFileCache


@pytest.fixture
def file_cache(tmp_path):
    return SharedFileCache(str(tmp_path), {})


def test_a_counter_keeps_the_expiry_it_was_opened_with(file_cache):
    file_cache.add("quota", 0, 1)
    assert file_cache.incr("quota") == 1
    assert file_cache.incr("quota", 2) == 3
    assert file_cache.get("quota") == 3

    time.sleep(1.1)

    assert file_cache.get("quota") is None


def test_a_counter_without_expiry_keeps_none(file_cache):
    file_cache.set("count", 5, None)
    file_cache.incr("count")
    assert file_cache.get("count") == 6
    with open(file_cache._key_to_file("count"), "rb") as f:
        assert file_cache._is_expired(f) is False


@pytest.mark.parametrize("backend", ["file", "locmem"])
def test_a_missing_or_expired_counter_refuses_like_every_backend(backend, tmp_path):
    cache = (
        SharedFileCache(str(tmp_path), {})
        if backend == "file"
        else LocMemCache("x", {})
    )
    with pytest.raises(ValueError):
        cache.incr("never-set")
    cache.set("brief", 1, 0.2)
    time.sleep(0.3)
    with pytest.raises(ValueError):
        cache.incr("brief")


def test_the_desk_uses_it_unless_redis_is_configured(settings):
    uses_redis = settings.CACHES["default"]["BACKEND"].startswith("django_redis")
    assert isinstance(caches["default"], SharedFileCache) is not uses_redis
