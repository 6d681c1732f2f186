"""The public cache: whole responses, kept until the next publication.

One mechanism for the reader's pages and the public API alike:

- Everything public is cached under a key carrying the current *generation*, and
  `purge()` starts a new one. After a fact-check is published, corrected or
  retracted every page, list, feed, sitemap and API response is therefore built
  afresh on its next request. That is coarser than tracking which page shows
  which fact-check, and it cannot miss one: a correction changes the home page,
  the list, the claimant's and tags' pages, the corrections log and the feeds at
  once.
- The generation lives in the "default" cache, which every process shares (Redis
  in production, a folder under .data/ locally): a purge in the web server or in
  the Celery worker, when the scheduler publishes, reaches them all. It is read
  once per request (`generation_of`).
- What is cached is the whole response (`cached_public` for a Django view,
  `serve` for an API handler once DRF has checked the throttles and chosen the
  media type), in the "pages" cache (Redis, or each process's own memory), with
  its ETag (a hash of the body) and the time it was built (its Last-Modified:
  nothing it shows changed after that). Conditional GET is Django's own
  `condition` decorator over those two validators, so a reader who has the copy
  gets 304 without a query.

One second layer, because the benchmark shows it earns its place: the list's
filter choices and its filter fields as most searches show them (`kept`), which
every distinct search renders. Working out which of 2,000 claimants and 200
topics have something published, and rendering them as fields, was most of an
uncached search page's time at newsroom scale, and unpickling them from a cache
on every search more than rendering them: they are kept for the generation in
the "pages" cache and, the last ones read, in each process's memory, under the
same generation (see factcheck/public/filters.py).

This module is below both the services, which purge after a change commits, and
the public site and API, which serve through it: neither imports the other for it.
"""

import datetime
import functools
import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.views.decorators.http import condition

GENERATION_KEY = "public:generation"
# How long a copy is kept. Purges make changes visible at once; this bounds the
# memory of pages nobody asks for.
PAGE_SECONDS = 10 * 60
# What browsers and CDNs may reuse without asking; after that they revalidate
# with If-None-Match / If-Modified-Since and usually get a 304.
BROWSER_SECONDS = 60

View = Callable[..., HttpResponse]


def generation() -> str:
    return cache.get_or_set(GENERATION_KEY, _new_generation, timeout=None)


def _new_generation() -> str:
    return uuid.uuid4().hex


def purge() -> None:
    """Make every cached public response stale; call it after the change commits."""
    cache.set(GENERATION_KEY, _new_generation(), timeout=None)


def generation_of(request: HttpRequest) -> str:
    """The generation a request is served under, read from the shared cache once
    per request however many things are keyed by it."""
    request = getattr(request, "_request", request)  # DRF's Request wraps Django's
    if not hasattr(request, "public_generation"):
        request.public_generation = generation()
    return request.public_generation


def kept(request: HttpRequest, name: str, compute: Callable[[], Any]) -> Any:
    """A value worked out once per generation (the second layer named in the
    docstring: the list's filter choices): in the "pages" cache for every
    process, and the last one read in this process's memory, since unpickling
    2,000 claimants' options on every search cost more than rendering them. The
    generation is in both keys, so neither can serve a stale value."""
    generation = generation_of(request)
    held = _kept.get(name)
    if held is not None and held[0] == generation:
        return held[1]
    key = f"public:kept:{generation}:{name}"
    pages = caches["pages"]
    value = pages.get(key)
    if value is None:
        value = compute()
        pages.set(key, value, PAGE_SECONDS)
    _kept[name] = (generation, value)
    return value


# {name: (generation, value)}: one entry per kept value, replaced when it changes.
_kept: dict[str, tuple[str, Any]] = {}


@dataclass(frozen=True)
class Copy:
    """A response as every anonymous reader gets it, with its validators."""

    content: bytes
    headers: tuple[tuple[str, str], ...]
    etag: str
    built: datetime.datetime

    @classmethod
    def of(cls, response: HttpResponse) -> "Copy":
        return cls(
            content=response.content,
            # Without a Last-Modified of the view's own (a feed sets its newest
            # item's date): `condition` sends `built`, the date it compares, so a
            # reader's If-Modified-Since is judged against the date it was given.
            headers=tuple(
                (name, value)
                for name, value in response.items()
                if name.lower() != "last-modified"
            ),
            # A hash of the body: it changes exactly when what the reader gets does.
            etag=f'"{hashlib.sha256(response.content).hexdigest()[:32]}"',
            built=datetime.datetime.now(datetime.UTC),
        )

    def response(self) -> HttpResponse:
        response = HttpResponse(self.content)
        for name, value in self.headers:
            response.headers[name] = value
        return response


def _key(request: HttpRequest, variant: str) -> str:
    # The language is part of the key because unprefixed URLs (feeds) render in
    # a language chosen by the view, not by the path; `variant` is the API's
    # media type.
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"public:page:{generation_of(request)}:{get_language()}:{variant}:{path}"


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


def serve(
    request: HttpRequest, build: Callable[[], HttpResponse], *, variant: str = ""
) -> HttpResponse:
    """This generation's copy of the response `build()` makes, or 304.

    Anonymous GET and HEAD requests get the copy (built and stored on the first
    of them), with Cache-Control, ETag and Last-Modified, and 304 when the reader
    already has it. Other requests (a signed-in editor checking a change, a
    POST) get `build()` itself, marked private. A response that is not everyone's
    (an error, one that sets a cookie or used a CSRF token) is sent, not kept.
    """
    if request.method not in ("GET", "HEAD") or not _is_anonymous(request):
        response = build()
        patch_cache_control(response, private=True)
        return response
    request.public_copy = _Lookup(build, variant)
    response = _respond(request)
    if request.public_copy.copy is not None:
        patch_cache_control(response, public=True, max_age=BROWSER_SECONDS)
    return response


class _Lookup:
    """One request's search for its copy: looked up (or built) once, however
    many of `condition`'s functions ask."""

    def __init__(self, build: Callable[[], HttpResponse], variant: str):
        self.build = build
        self.variant = variant
        self.done = False
        self.copy: Copy | None = None
        self.response: HttpResponse | None = None

    def __call__(self, request: HttpRequest) -> Copy | None:
        if not self.done:
            self.done = True
            key = _key(request, self.variant)
            pages = caches["pages"]
            self.copy = pages.get(key)
            if self.copy is None:
                response = self.build()
                if hasattr(response, "render"):
                    response.render()
                if _cacheable(request, response):
                    self.copy = Copy.of(response)
                    pages.set(key, self.copy, PAGE_SECONDS)
                else:
                    self.response = response
        return self.copy


def _etag(request: HttpRequest) -> str | None:
    copy = request.public_copy(request)
    return copy.etag if copy else None


def _last_modified(request: HttpRequest) -> datetime.datetime | None:
    copy = request.public_copy(request)
    return copy.built if copy else None


@condition(etag_func=_etag, last_modified_func=_last_modified)
def _respond(request: HttpRequest) -> HttpResponse:
    lookup = request.public_copy
    return lookup.copy.response() if lookup.copy else lookup.response


def cached_public(view: View) -> View:
    """A public view served through `serve()`: whole, once per generation."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return serve(request, lambda: view(request, *args, **kwargs))

    return wrapper
