"""Figures taken inside one process with Django's test client: no network, no server.

Each public request is made after the rendered pages (and the API's built data) are
cleared, so it renders from the database: these are the figures of a cache miss,
what the first reader of a page (or every reader of a search nobody made before)
waits for. What is worked out once per publication and shared by every page (the
list's filter choices) is kept, as it is between two publications; the first
request after a publication pays for it once. The cached case is measured under
gunicorn, where it matters.
"""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import override

from bench.targets import Addresses

WARM_UP = 2


@dataclass(frozen=True)
class Page:
    name: str
    path: Callable[[int], str]
    editor: bool = False
    # The DataFeed holds every published fact-check: a few samples say enough.
    samples: int | None = None


def _localized(name: str, query: str = "") -> list[str]:
    paths = []
    for language in ("en", "ar"):
        with override(language):
            paths.append(reverse(name) + query)
    return paths


def pages(addresses: Addresses, feed_samples: int) -> list[Page]:
    homes = _localized("home")
    lists = [p for k in range(1, 4) for p in _localized("factcheck_list", f"?page={k}")]
    api_list = reverse("public-factcheck-list")
    return [
        Page("home", lambda i: homes[i % len(homes)]),
        Page("factcheck_list", lambda i: lists[i % len(lists)]),
        Page("factcheck_detail", lambda i: _nth(addresses.details, i)),
        Page("search_ar", lambda i: _nth(addresses.searches["ar"], i)),
        Page("search_en", lambda i: _nth(addresses.searches["en"], i)),
        Page("api_list", lambda i: f"{api_list}?page={i % 3 + 1}"),
        Page(
            "api_detail",
            lambda i: _nth(addresses.api_details, i),
        ),
        Page(
            "claimreview_feed",
            lambda i: reverse("claimreview-feed"),
            samples=feed_samples,
        ),
        Page("match", lambda i: _nth(addresses.matches, i)),
        Page(
            "admin_queue",
            lambda i: reverse("admin:factcheck_claim_changelist"),
            editor=True,
        ),
    ]


def _nth(paths: list[str], i: int) -> str:
    return paths[i % len(paths)]


def percentile(values: list[float], p: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def measure(
    addresses: Addresses, *, requests: int, feed_samples: int, progress=None
) -> tuple[dict, dict]:
    """({page: SQL queries}, {page: {"p50": ms, "p95": ms}})."""
    anonymous = Client()
    editor = Client()
    editor.force_login(User.objects.get(username="bench-editor-1"))
    queries, latency = {}, {}
    for page in pages(addresses, feed_samples):
        client = editor if page.editor else anonymous
        samples = page.samples or requests
        # A page sampled only a few times (the DataFeed) is slow enough to need none.
        for i in range(0 if page.samples else WARM_UP):
            _get(client, page.path(samples + i))
        counts, times = [], []
        for i in range(samples):
            caches["pages"].clear()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                _get(client, page.path(i))
                times.append((time.perf_counter() - started) * 1000)
            counts.append(len(captured))
        # The most a request of this page needed; the tests pin it exactly.
        queries[page.name] = max(counts)
        latency[page.name] = {
            "p50": round(percentile(times, 50), 2),
            "p95": round(percentile(times, 95), 2),
        }
        if progress:
            progress(page.name, queries[page.name], latency[page.name])
    return queries, latency


def _get(client: Client, path: str) -> None:
    response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}")
    if response.streaming:
        # The DataFeed: its queries run as it is read, so read all of it.
        for _chunk in response.streaming_content:
            pass
