"""The generation of everything public: a purge makes every cached copy stale.

Every cached public response is stored under a key carrying the current
*generation*, and `purge()` starts a new one. After a fact-check is published,
corrected or retracted every page, list, feed and sitemap is therefore rendered
afresh on its next request. That is coarser than tracking which page shows which
fact-check, and it cannot miss one: a correction changes the home page, the list,
the claimant's and tags' pages, the corrections log and the feeds at once.

The generation lives in the "default" cache, which every process shares (Redis in
production, a folder under .data/ locally): a purge in the web server or in the
Celery worker, when the scheduler publishes, reaches them all.

This module is below both the services, which purge after a change commits, and the
public site and API (factcheck/public/cache.py), which key their copies by it.
"""

import uuid

from django.core.cache import cache

GENERATION_KEY = "public:generation"


def generation() -> str:
    return cache.get_or_set(GENERATION_KEY, _new_generation, timeout=None)


def _new_generation() -> str:
    return uuid.uuid4().hex


def purge() -> None:
    """Make every cached public response stale; call it after the change commits."""
    cache.set(GENERATION_KEY, _new_generation(), timeout=None)
