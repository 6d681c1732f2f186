"""Whole public responses cached, for readers and for any CDN in front of them.

Each copy is stored under a key carrying the current generation
(factcheck/pagecache.py), so a purge there makes every page, list, feed and sitemap
render afresh on its next request. The pages live in the "pages" cache (Redis, or
each process's own memory), under keys that carry the generation, so after a purge
no process can find its old copies.
"""

import functools
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language

from factcheck.pagecache import generation

# How long a rendered page is kept. Purges make changes visible at once; this bounds
# the memory of pages nobody asks for.
PAGE_SECONDS = 10 * 60
# What browsers and CDNs may reuse without asking; after that they revalidate
# with If-None-Match / If-Modified-Since and usually get a 304.
BROWSER_SECONDS = 60

View = Callable[..., HttpResponse]


@dataclass(frozen=True)
class CachedResponse:
    content: bytes
    headers: tuple[tuple[str, str], ...]
    etag: str
    last_modified: float

    @classmethod
    def of(cls, response: HttpResponse) -> "CachedResponse":
        return cls(
            content=response.content,
            headers=tuple(response.items()),
            etag=etag_of(response.content),
            last_modified=time.time(),
        )

    def response(self) -> HttpResponse:
        response = HttpResponse(self.content)
        for name, value in self.headers:
            response.headers[name] = value
        return response


def etag_of(content: bytes) -> str:
    """A hash of the body: it changes exactly when what the reader gets changes."""
    return quote_etag(hashlib.sha256(content).hexdigest()[:32])


def conditional(
    request: HttpRequest,
    response: HttpResponse,
    *,
    etag: str,
    last_modified: float | None,
) -> HttpResponse:
    """A public response with its validators, or 304 when the reader has it.

    The one place for both the pages and the public API: what browsers and CDNs
    may reuse for BROWSER_SECONDS, then revalidate with If-None-Match or
    If-Modified-Since.
    """
    response.headers["ETag"] = etag
    if last_modified is not None:
        response.headers["Last-Modified"] = http_date(last_modified)
    patch_cache_control(response, public=True, max_age=BROWSER_SECONDS)
    return get_conditional_response(
        request,
        etag=etag,
        last_modified=None if last_modified is None else int(last_modified),
        response=response,
    )


def generation_of(request: HttpRequest) -> str:
    """The generation a request is served under, read from the shared cache once
    per request however many of its parts (the page, the list's total, the filter
    choices, the API's data) are keyed by it."""
    request = getattr(request, "_request", request)  # DRF's Request wraps Django's
    if not hasattr(request, "public_generation"):
        request.public_generation = generation()
    return request.public_generation


def _key(request: HttpRequest) -> str:
    # The language is part of the key because unprefixed URLs (feeds) may render
    # in a language chosen by the view, not by the path.
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"public:page:{generation_of(request)}:{get_language()}:{path}"


def _is_anonymous(request: HttpRequest) -> bool:
    # Judged by the session cookie rather than request.user: reading the session
    # costs a query and adds "Vary: Cookie", which would split every CDN entry.
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


def _cacheable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        # A page that used a CSRF token is this visitor's, not everyone's.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


def cached_public(view: View) -> View:
    """Cache a public view's anonymous GET responses and answer conditional requests.

    Anonymous GET and HEAD requests are served from the cache when a copy of this
    generation exists, with Cache-Control, ETag and Last-Modified, and with 304 when
    the reader already has that copy. Other requests (a signed-in editor checking
    a change, a POST) go straight to the view.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or not _is_anonymous(request):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True)
            return response
        key = _key(request)
        pages = caches["pages"]
        cached = pages.get(key)
        if cached is None:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            if not _cacheable(request, response):
                return response
            cached = CachedResponse.of(response)
            pages.set(key, cached, PAGE_SECONDS)
        return conditional(
            request,
            cached.response(),
            etag=cached.etag,
            last_modified=cached.last_modified,
        )

    return wrapper
