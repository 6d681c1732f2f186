"""Outlets' RSS and Atom feeds: added in the admin (a link that is no feed is
refused there), polled by beat with conditional GET, new items taken in once.

The feeds and the articles they link to are served by pytest-httpserver on
127.0.0.1, through the desk's real fetcher; the embedder is the small trigram one.
"""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from factcheck.models import (
    Event,
    IntakeArticle,
    IntakeSource,
    Language,
    OutletFeed,
)
from factcheck.services import feeds, intake, outbox
from tests import factories

pytestmark = [pytest.mark.django_db]

STORY = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title}</title></head><body><article><h1>{title}</h1>
<p>Kremlin spokesman Dmitry Peskov said on Wednesday that Turkey is not a party to
the Rome Statute of the International Criminal Court, story {n}.</p>
<p>According to the court's own list, 123 countries are States Parties to the
statute, and Turkey has never ratified it, the ministry said in {n}.</p>
</article></body></html>"""

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Levant Ledger</title>
<link>{base}/</link><description>News</description>
{items}
</channel></rss>"""
RSS_ITEM = """<item><title>Story {n}</title><link>{base}/news/{n}</link>
<description>&lt;p&gt;The feed's own summary of story {n}: 40 countries
said so in 2023.&lt;/p&gt;</description></item>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Levant Ledger</title>
<id>{base}/atom</id><updated>2023-06-21T10:00:00Z</updated>
{items}
</feed>"""
ATOM_ENTRY = """<entry><title>Story {n}</title><id>{base}/news/{n}</id>
<link rel="alternate" href="{base}/news/{n}"/>
<updated>2023-06-21T10:00:00Z</updated><summary>Story {n}.</summary></entry>"""

ETAG = '"feed-v1"'
LAST_MODIFIED = "Wed, 21 Jun 2023 10:00:00 GMT"


@pytest.fixture(autouse=True)
def small_embedder(settings):
    settings.INTAKE_EMBEDDER = "tests.intake_embedder.TrigramEmbedder"


@pytest.fixture
def base(httpserver, loopback_allowed) -> str:
    return httpserver.url_for("").rstrip("/")


def serve_stories(httpserver, base: str, numbers) -> None:
    for n in numbers:
        httpserver.expect_request(f"/news/{n}").respond_with_data(
            STORY.format(title=f"Story {n}", n=n),
            content_type="text/html; charset=utf-8",
        )


def rss(base: str, numbers) -> str:
    items = "\n".join(RSS_ITEM.format(base=base, n=n) for n in numbers)
    return RSS.format(base=base, items=items)


def a_feed(url: str, **fields) -> OutletFeed:
    outlet = factories.outlet(domain="127.0.0.1", language=Language.ENGLISH)
    return OutletFeed.objects.create(outlet=outlet, url=url, **fields)


def conditional_requests(httpserver) -> list[tuple[str, str]]:
    return [
        (r.headers.get("If-None-Match", ""), r.headers.get("If-Modified-Since", ""))
        for r, _response in httpserver.log
        if r.path.startswith("/feed")
    ]


# --- Polling


def test_new_rss_items_are_taken_in_and_an_unchanged_feed_answers_304(
    httpserver, base, enqueued, django_capture_on_commit_callbacks
):
    serve_stories(httpserver, base, [1, 2])
    # Registered first, so it answers the poll that sends the server's ETag.
    httpserver.expect_request(
        "/feed.xml", headers={"If-None-Match": ETAG}
    ).respond_with_data("", status=304)
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(base, [1, 2]),
        content_type="application/rss+xml",
        headers={"ETag": ETAG},
    )
    feed = a_feed(f"{base}/feed.xml")

    with django_capture_on_commit_callbacks(execute=True):
        first = feeds.poll_feed(feed.pk)

    assert first.taken_in == 2
    articles = IntakeArticle.objects.order_by("url")
    assert [a.url for a in articles] == [f"{base}/news/1", f"{base}/news/2"]
    assert {a.source for a in articles} == {IntakeSource.FEED}
    assert {a.outlet for a in articles} == {feed.outlet}
    assert articles[0].title == "Story 1"
    assert "Turkey has never ratified it" in articles[0].text
    # Each is processed in the background like a link submitted by hand.
    assert sorted(args for name, args in enqueued()) == sorted([a.pk] for a in articles)
    feed.refresh_from_db()
    assert (feed.etag, feed.failures, feed.last_error) == (ETAG, 0, "")
    assert feed.last_polled_at is not None

    second = feeds.poll_feed(feed.pk)

    assert second.unchanged and second.taken_in == 0
    assert IntakeArticle.objects.count() == 2
    assert conditional_requests(httpserver) == [("", ""), (ETAG, "")]


def test_an_atom_feed_is_asked_if_modified_since_its_last_modified(httpserver, base):
    serve_stories(httpserver, base, [7])
    httpserver.expect_request(
        "/feed.atom", headers={"If-Modified-Since": LAST_MODIFIED}
    ).respond_with_data("", status=304)
    httpserver.expect_request("/feed.atom").respond_with_data(
        ATOM.format(base=base, items=ATOM_ENTRY.format(base=base, n=7)),
        content_type="application/atom+xml",
        headers={"Last-Modified": LAST_MODIFIED},
    )
    feed = a_feed(f"{base}/feed.atom")

    assert feeds.poll_feed(feed.pk).taken_in == 1
    assert feeds.poll_feed(feed.pk).unchanged

    assert IntakeArticle.objects.get().url == f"{base}/news/7"
    assert conditional_requests(httpserver) == [("", ""), ("", LAST_MODIFIED)]


def test_an_item_taken_in_by_any_route_is_not_taken_again(httpserver, base, editor):
    serve_stories(httpserver, base, [1, 2, 3])
    feed = a_feed(f"{base}/feed.xml")
    intake.submit_article(actor=editor, url=f"{base}/news/1")
    # No validators: the feed is read whole each time.
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(base, [1, 2, 2, 3]), content_type="text/xml"
    )

    assert feeds.poll_feed(feed.pk).taken_in == 2
    assert feeds.poll_feed(feed.pk).taken_in == 0

    assert IntakeArticle.objects.filter(source=IntakeSource.FEED).count() == 2
    assert IntakeArticle.objects.count() == 3


def test_a_poll_takes_a_limited_number_of_items_and_the_rest_next_time(
    httpserver, base
):
    numbers = range(1, feeds.ITEMS_PER_POLL + 4)
    serve_stories(httpserver, base, numbers)
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(base, numbers),
        content_type="application/rss+xml",
        headers={"ETag": ETAG},
    )
    feed = a_feed(f"{base}/feed.xml")

    assert feeds.poll_feed(feed.pk).taken_in == feeds.ITEMS_PER_POLL
    feed.refresh_from_db()
    # Items are left: the next poll must read the feed, not be told "304".
    assert feed.etag == ""
    assert feeds.poll_feed(feed.pk).taken_in == 3
    feed.refresh_from_db()
    assert feed.etag == ETAG
    assert IntakeArticle.objects.count() == feeds.ITEMS_PER_POLL + 3


def test_an_item_whose_page_cannot_be_read_is_taken_in_with_the_feeds_text(
    httpserver, base
):
    httpserver.expect_request("/news/1").respond_with_data("gone", status=404)
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(base, [1]), content_type="application/rss+xml"
    )
    feed = a_feed(f"{base}/feed.xml")

    assert feeds.poll_feed(feed.pk).taken_in == 1

    article = IntakeArticle.objects.get()
    assert article.text == (
        "The feed's own summary of story 1: 40 countries\nsaid so in 2023."
    )
    assert article.title == "Story 1"


@pytest.mark.parametrize(
    ("body", "content_type", "error"),
    [
        (
            "<html><body><p>Our news</p></body></html>",
            "text/html",
            "This link leads to a web page, not to a feed",
        ),
        ("not xml at all {]", "application/xml", "does not lead to an RSS or Atom"),
        ("%PDF-1.4", "application/pdf", "content type not allowed"),
    ],
)
def test_a_link_that_is_no_feed_is_recorded_as_the_feeds_error_and_backs_off(
    httpserver, base, body, content_type, error
):
    httpserver.expect_request("/feed.xml").respond_with_data(
        body, content_type=content_type
    )
    feed = a_feed(f"{base}/feed.xml", interval=30)

    before = timezone.now()
    assert error in feeds.poll_feed(feed.pk).error
    feed.refresh_from_db()
    assert error in feed.last_error
    assert feed.failures == 1
    assert feed.next_poll_at >= before + datetime.timedelta(minutes=60)

    feeds.poll_feed(feed.pk)
    feed.refresh_from_db()
    assert feed.failures == 2
    assert feed.next_poll_at >= before + datetime.timedelta(minutes=120)
    assert not IntakeArticle.objects.exists()


def test_back_off_doubles_with_each_failure_up_to_a_day():
    waits = [feeds.backoff(30, n) for n in (1, 2, 3, 10, 60)]
    assert waits[:3] == [datetime.timedelta(minutes=m) for m in (60, 120, 240)]
    assert waits[3] == waits[4] == feeds.BACKOFF_CAP == datetime.timedelta(days=1)


def test_a_feed_that_recovers_forgets_its_failures(httpserver, base):
    feed = a_feed(f"{base}/feed.xml")
    OutletFeed.objects.filter(pk=feed.pk).update(failures=3, last_error="HTTP 500")
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(base, []), content_type="application/rss+xml"
    )

    before = timezone.now()
    feeds.poll_feed(feed.pk)

    feed.refresh_from_db()
    assert (feed.failures, feed.last_error) == (0, "")
    assert feed.next_poll_at >= before + datetime.timedelta(minutes=feed.interval)


def test_a_feed_at_a_private_address_is_refused_without_connecting(connections):
    feed = a_feed("http://10.0.0.8/feed.xml")
    assert "cannot be fetched" in feeds.poll_feed(feed.pk).error
    assert connections == []


# --- Beat


def test_beat_sends_one_poll_per_due_feed_after_commit(
    enqueued, django_capture_on_commit_callbacks
):
    due = a_feed("https://news.example/feed.xml")
    outlet = due.outlet
    now = timezone.now()
    later = OutletFeed.objects.create(
        outlet=outlet,
        url="https://news.example/later.xml",
        next_poll_at=now + datetime.timedelta(minutes=5),
    )
    OutletFeed.objects.create(
        outlet=outlet, url="https://news.example/off.xml", is_active=False
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert feeds.send_due_polls(now=now) == [due.pk]
        # Claimed: a second run of beat in the same minute sends nothing.
        assert feeds.send_due_polls(now=now) == []

    assert enqueued() == [(outbox.POLL_FEED, [due.pk])]
    due.refresh_from_db()
    assert due.next_poll_at == now + datetime.timedelta(minutes=due.interval)
    assert later.pk not in feeds.send_due_polls(now=now)


def test_beat_polls_the_feeds_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["poll-feeds"]
    assert entry["task"] == "factcheck.tasks.poll_feeds"
    assert entry["schedule"] == 60.0


# --- The Outlet admin


def outlet_form(outlet, feed_url: str, **extra) -> dict:
    data = {
        "name": outlet.name,
        "name_ar": outlet.name_ar,
        "domain": outlet.domain,
        "language": outlet.language,
        "feeds-TOTAL_FORMS": "1",
        "feeds-INITIAL_FORMS": "0",
        "feeds-MIN_NUM_FORMS": "0",
        "feeds-MAX_NUM_FORMS": "1000",
        "feeds-0-url": feed_url,
        "feeds-0-interval": "30",
        "feeds-0-is_active": "on",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize("persona", ["fact_checker", "editor", "administrator"])
def test_the_roles_that_manage_outlets_add_a_feed_to_one(
    client, request, persona, httpserver, base
):
    person = request.getfixturevalue(persona)
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(base, [1]), content_type="application/rss+xml"
    )
    outlet = factories.outlet(domain="127.0.0.1", language=Language.ENGLISH)
    page = reverse("admin:factcheck_outlet_change", args=[outlet.pk])
    client.force_login(person)

    response = client.post(page, outlet_form(outlet, f"{base}/feed.xml"))

    assert response.status_code == 302
    feed = outlet.feeds.get()
    assert (feed.url, feed.interval, feed.is_active) == (f"{base}/feed.xml", 30, True)
    assert Event.objects.about(feed).get().actor == person
    # Nothing was taken in yet: the first poll does that.
    assert not IntakeArticle.objects.exists()


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (
            "<html><body>Home</body></html>",
            "text/html",
            "This link leads to a web page, not to a feed",
        ),
        ("garbage", "text/plain", "This link does not lead to an RSS or Atom feed."),
    ],
)
def test_a_link_that_is_no_feed_is_refused_when_it_is_added(
    client, editor, httpserver, base, body, content_type, message
):
    httpserver.expect_request("/page").respond_with_data(
        body, content_type=content_type
    )
    outlet = factories.outlet(domain="127.0.0.1", language=Language.ENGLISH)
    client.force_login(editor)

    response = client.post(
        reverse("admin:factcheck_outlet_change", args=[outlet.pk]),
        outlet_form(outlet, f"{base}/page"),
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not OutletFeed.objects.exists()


def test_the_outlet_page_shows_a_feeds_last_error(client, editor):
    feed = a_feed("https://news.example/feed.xml")
    OutletFeed.objects.filter(pk=feed.pk).update(
        failures=2, last_error="The feed answered with HTTP 503."
    )
    client.force_login(editor)

    body = client.get(
        reverse("admin:factcheck_outlet_change", args=[feed.outlet_id]),
        headers={"Accept-Language": "ar"},
    ).content.decode()

    assert "The feed answered with HTTP 503." in body
    assert "(إخفاقان متتاليان: 2)" in body  # "(2 failures in a row)"


def test_an_interval_too_short_to_be_polite_is_refused(
    client, editor, httpserver, base
):
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(base, []), content_type="application/rss+xml"
    )
    outlet = factories.outlet(domain="127.0.0.1", language=Language.ENGLISH)
    client.force_login(editor)

    response = client.post(
        reverse("admin:factcheck_outlet_change", args=[outlet.pk]),
        outlet_form(outlet, f"{base}/feed.xml", **{"feeds-0-interval": "1"}),
    )

    assert response.status_code == 200
    assert not OutletFeed.objects.exists()


def test_a_feeds_edit_is_recorded_and_switching_it_back_on_polls_it_now(client, editor):
    feed = a_feed("https://news.example/feed.xml", is_active=False)
    later = timezone.now() + datetime.timedelta(hours=5)
    OutletFeed.objects.filter(pk=feed.pk).update(
        next_poll_at=later, failures=4, last_error="HTTP 503"
    )
    outlet = feed.outlet
    client.force_login(editor)

    response = client.post(
        reverse("admin:factcheck_outlet_change", args=[outlet.pk]),
        outlet_form(
            outlet,
            feed.url,
            **{
                "feeds-INITIAL_FORMS": "1",
                "feeds-0-id": str(feed.pk),
                "feeds-0-outlet": str(outlet.pk),
                "feeds-0-interval": "60",
            },
        ),
    )

    assert response.status_code == 302
    feed.refresh_from_db()
    assert (feed.interval, feed.is_active, feed.failures) == (60, True, 0)
    assert feed.next_poll_at < later
    edit = Event.objects.about(feed).get()
    assert edit.actor == editor
    assert edit.data["fields"] == ["interval", "is_active"]
    assert edit.data["previous"] == {"interval": 30, "is_active": False}
