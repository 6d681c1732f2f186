"""Outlets' RSS and Atom feeds: checked when added, polled by beat, politely.

Beat's task asks `send_due_polls` every minute: each feed whose time has come
is claimed by moving its next poll forward (a compare-and-swap, so two beats or
a redelivered message send it once) and its poll is sent after commit. A lost
message costs one interval: the feed is due again then.

`poll_feed` fetches the feed through the desk's fetcher with the validators
the server last gave (If-None-Match, If-Modified-Since; 304 is "nothing new"),
reads it with feedparser and takes in at most ITEMS_PER_POLL items no article
taken in already has (by any route), each read like a link submitted by hand
and processed in the background like one. A failure is recorded on the feed
(its last error, shown in the admin) and puts the next poll off twice as long
each time, up to BACKOFF_CAP.
"""

import datetime
import html
import logging
import time
from dataclasses import dataclass
from functools import partial

import feedparser
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from factcheck.fetching import HTML_CONTENT_TYPES, FetchFailed, Refused, fetch
from factcheck.fields import normalize_article_url
from factcheck.models import EventKind, IntakeSource, OutletFeed
from factcheck.services import outbox
from factcheck.services.audit import editable_fields, record, snapshot
from factcheck.services.intake import article_from_link, record_article, taken_in
from factcheck.services.reference import record_saved

logger = logging.getLogger(__name__)

# What a feed may be served as; HTML is let through so that a web page given
# as a feed is named for what it is, rather than "content type not allowed".
FEED_CONTENT_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "text/plain",
    }
)
# New items taken in per poll: each is a page to fetch. The rest wait for the
# next poll, which then asks for the whole feed again.
ITEMS_PER_POLL = 10
# Item pages are fetched until this many seconds into the poll; the task's own
# time limit leaves room for the last fetch to end.
ITEMS_BUDGET_SECONDS = 60
POLL_SOFT_TIME_LIMIT = 150
# The longest a failing feed waits for its next try.
BACKOFF_CAP = datetime.timedelta(hours=24)
# Feeds claimed by one run of beat's task.
POLLS_PER_RUN = 50


class FeedError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FeedItem:
    link: str
    title: str
    text: str  # the item's own content or summary, as plain text


@dataclass(frozen=True)
class FeedAnswer:
    items: list[FeedItem]
    etag: str
    last_modified: str


def read_feed(
    url: str, *, etag: str = "", last_modified: str = ""
) -> FeedAnswer | None:
    """The feed's items, or None when the server says nothing changed (304).
    FeedError says, for a person, why there is no feed at this link."""
    conditional = {}
    if etag:
        conditional["If-None-Match"] = etag
    if last_modified:
        conditional["If-Modified-Since"] = last_modified
    try:
        fetched = fetch(
            url,
            headers=conditional,
            content_types=FEED_CONTENT_TYPES | HTML_CONTENT_TYPES,
        )
    except Refused as exc:
        raise FeedError(
            _("This link cannot be fetched: %(r)s.") % {"r": exc.reason}
        ) from exc
    except FetchFailed as exc:
        raise FeedError(
            _("The feed could not be fetched: %(r)s.") % {"r": exc.reason}
        ) from exc
    if fetched.status == 304:
        return None
    if fetched.status >= 400:
        raise FeedError(_("The feed answered with HTTP %(s)d.") % {"s": fetched.status})
    if fetched.content_type in HTML_CONTENT_TYPES:
        raise FeedError(
            _(
                "This link leads to a web page, not to a feed: give the link of "
                "the outlet's RSS or Atom feed."
            )
        )
    # Bytes, never the URL: feedparser would fetch a URL itself, past the
    # desk's fetcher and its address rules.
    parsed = feedparser.parse(
        fetched.body, response_headers={"content-type": fetched.content_type}
    )
    if not parsed.version:
        raise FeedError(_("This link does not lead to an RSS or Atom feed."))
    return FeedAnswer(
        items=[item for entry in parsed.entries if (item := _item(entry))],
        etag=fetched.etag,
        last_modified=fetched.last_modified,
    )


def _item(entry) -> FeedItem | None:
    link = (entry.get("link") or "").strip()
    if not link.startswith(("http://", "https://")):
        return None
    content = entry.get("content") or []
    body = content[0].get("value", "") if content else entry.get("summary", "")
    return FeedItem(
        link=link,
        title=html.unescape(strip_tags(entry.get("title") or "")).strip()[:500],
        text=html.unescape(strip_tags(body or "")).strip(),
    )


def check_feed(url: str) -> None:
    """Refuse, on the `url` field, a link that does not lead to a feed: checked
    when a feed is added or its link changed, so the person adding it learns
    at once."""
    try:
        read_feed(url)
    except FeedError as exc:
        raise ValidationError({"url": exc.message}) from exc


# --- Editing a feed (the Outlet admin's inline) ---------------------------------


def save_feed(feed: OutletFeed, *, actor: AbstractBaseUser) -> OutletFeed:
    """Save a feed an editor added or changed; a new or changed link, or a feed
    switched back on, is polled at the next minute and its errors forgotten."""
    with transaction.atomic():
        stored = (
            OutletFeed.objects.select_for_update().filter(pk=feed.pk).first()
            if feed.pk is not None
            else None
        )
        names = editable_fields(feed)
        if stored is None or stored.url != feed.url or not stored.is_active:
            feed.etag = feed.last_modified = feed.last_error = ""
            feed.failures = 0
            feed.next_poll_at = timezone.now()
        feed.full_clean(exclude=["outlet"])
        feed.save()
        record_saved(feed, stored=stored, names=names, actor=actor)
    return feed


def delete_feed(feed: OutletFeed, *, actor: AbstractBaseUser) -> None:
    with transaction.atomic():
        record(
            None,
            EventKind.DELETE,
            actor,
            subject=feed,
            data={"previous": snapshot(feed, editable_fields(feed))},
        )
        feed.delete()


# --- Polling (beat, then one task per feed) -------------------------------------


def send_due_polls(*, now: datetime.datetime | None = None) -> list[int]:
    """Claim the feeds whose poll is due and send a poll for each after commit."""
    now = now or timezone.now()
    claimed = []
    due = OutletFeed.objects.due(now).values_list("pk", "next_poll_at", "interval")
    for pk, was_due, interval in due[:POLLS_PER_RUN]:
        # Until the poll reports, the feed is not due again for its interval.
        moved = OutletFeed.objects.filter(pk=pk, next_poll_at=was_due).update(
            next_poll_at=now + datetime.timedelta(minutes=interval)
        )
        if moved:
            claimed.append(pk)
            transaction.on_commit(partial(outbox.send, outbox.POLL_FEED, pk))
    return claimed


@dataclass(frozen=True)
class Poll:
    taken_in: int = 0
    unchanged: bool = False
    error: str = ""


def poll_feed(feed_id: int) -> Poll:
    """Poll one feed now and take its new items in; the task's body."""
    feed = OutletFeed.objects.select_related("outlet").filter(pk=feed_id).first()
    if feed is None or not feed.is_active:
        return Poll()
    started = time.monotonic()
    try:
        answer = read_feed(feed.url, etag=feed.etag, last_modified=feed.last_modified)
    except FeedError as exc:
        _failed(feed, exc.message)
        return Poll(error=exc.message)
    if answer is None:
        _polled(feed, etag=feed.etag, last_modified=feed.last_modified)
        return Poll(unchanged=True)
    new = _new_items(answer.items)
    taken = 0
    for item in new[:ITEMS_PER_POLL]:
        if time.monotonic() - started > ITEMS_BUDGET_SECONDS:
            break
        taken += _take_in(feed, item)
    left_over = len(new) > taken
    # With items left for later, the next poll must not be answered "304 not
    # modified": it forgets the validators and reads the whole feed again.
    _polled(
        feed,
        etag="" if left_over else answer.etag,
        last_modified="" if left_over else answer.last_modified,
    )
    return Poll(taken_in=taken)


def _new_items(items: list[FeedItem]) -> list[FeedItem]:
    """Items no article taken in has, by their link as given or canonical."""
    spellings = {item.link: {item.link, _canonical(item.link)} for item in items}
    known = taken_in(link for links in spellings.values() for link in links)
    new, seen = [], set()
    for item in items:
        if spellings[item.link] & known or _canonical(item.link) in seen:
            continue
        seen.add(_canonical(item.link))
        new.append(item)
    return new


def _canonical(link: str) -> str:
    try:
        return normalize_article_url(link)
    except ValueError:
        return link


def _take_in(feed: OutletFeed, item: FeedItem) -> int:
    """One item taken in, read from its page; 0 if it has nothing to read."""
    try:
        fields = article_from_link(item.link)
    except ValidationError as exc:
        # The page cannot be read (gone, not HTML, no article text): the feed's
        # own text of the item is what there is.
        if not item.text:
            logger.info("feed item %s skipped: %s", item.link, exc.messages)
            return 0
        fields = {"text": item.text, "canonical_url": _canonical(item.link)}
    fields.update(source=IntakeSource.FEED, url=item.link, outlet=feed.outlet)
    fields["title"] = fields.get("title") or item.title
    try:
        record_article(actor=None, **fields)
    except ValidationError as exc:
        logger.info("feed item %s not taken in: %s", item.link, exc.messages)
        return 0
    return 1


def _polled(feed: OutletFeed, *, etag: str, last_modified: str) -> None:
    now = timezone.now()
    OutletFeed.objects.filter(pk=feed.pk).update(
        etag=etag,
        last_modified=last_modified,
        last_polled_at=now,
        next_poll_at=now + datetime.timedelta(minutes=feed.interval),
        failures=0,
        last_error="",
    )


def backoff(interval_minutes: int, failures: int) -> datetime.timedelta:
    """The wait before the next try after `failures` failures in a row."""
    wait = datetime.timedelta(minutes=interval_minutes) * 2 ** min(failures, 16)
    return min(wait, BACKOFF_CAP)


def _failed(feed: OutletFeed, error: str) -> None:
    now = timezone.now()
    failures = feed.failures + 1
    OutletFeed.objects.filter(pk=feed.pk).update(
        last_polled_at=now,
        next_poll_at=now + backoff(feed.interval, failures),
        failures=failures,
        last_error=error[:2000],
    )
