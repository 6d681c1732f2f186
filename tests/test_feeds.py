"""Feeds, sitemap.xml and robots.txt: what aggregators and crawlers read."""

import datetime
import re
from xml.etree import ElementTree

import pytest
from django.core.cache import cache
from django.utils import timezone

from factcheck import services
from factcheck.models import Claim, Language, Status
from tests import factories

SITE = "https://factcheck.example"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
FACTCHECK_PAGE = re.compile(r"/fact-checks/[^/]+/$")
FEEDS = ["/feeds/rss/", "/feeds/atom/", "/feeds/ar/rss/", "/feeds/en/atom/"]
UNPUBLISHED = [
    Status.SUBMITTED,
    Status.ACCEPTED,
    Status.IN_RESEARCH,
    Status.IN_REVIEW,
    Status.APPROVED,
    Status.RETRACTED,
    Status.DISMISSED,
]


@pytest.fixture(autouse=True)
def public_site(settings, db):
    settings.SITE_URL = SITE
    # Public responses are cached; every test starts from an empty cache.
    cache.clear()


def parse(response) -> ElementTree.Element:
    return ElementTree.fromstring(response.content)  # noqa: S314 (our own output)


def rss_items(response) -> list[dict[str, str]]:
    return [
        {child.tag: child.text or "" for child in item}
        for item in parse(response).iter("item")
    ]


def atom_entries(response) -> list[dict[str, str]]:
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "summary": entry.findtext(f"{ATOM}summary"),
        }
        for entry in parse(response).iter(f"{ATOM}entry")
    ]


def feed_links(response) -> list[str]:
    if response["Content-Type"].startswith("application/atom+xml"):
        return [entry["link"] for entry in atom_entries(response)]
    return [item["link"] for item in rss_items(response)]


def sitemap_locations(response) -> list[str]:
    return [loc.text for loc in parse(response).iter(f"{SITEMAP}loc")]


def published(language: str = Language.ARABIC, **draft_fields):
    text = draft_fields.pop("text", None)
    claim_fields = {"language": language}
    if text:
        claim_fields["text"] = text
    return factories.factcheck_at(
        Status.PUBLISHED, claim_fields=claim_fields, **draft_fields
    )


@pytest.fixture
def arabic():
    return published(
        headline="صحيح: تركيا ليست دولة طرفا في نظام روما الأساسي",
        summary="لا تظهر تركيا في قائمة الدول الأطراف.",
    )


@pytest.fixture
def english():
    return published(
        Language.ENGLISH,
        text="Turkey is not a party to the Rome Statute",
        headline="True: Turkey is not a party to the Rome Statute",
        summary="Turkey is not on the ICC's list of States Parties.",
    )


@pytest.fixture
def hidden():
    """One fact-check in every state a reader must not see, and a scheduled one."""
    factchecks = [
        factories.factcheck_at(status, headline=f"Hidden headline {status}")
        for status in UNPUBLISHED
    ]
    scheduled = published(
        headline="Hidden headline scheduled",
        published_at=timezone.now() + datetime.timedelta(days=1),
    )
    return [*factchecks, scheduled]


# --- Feeds -----------------------------------------------------------------------


def test_it_lists_the_latest_fact_checks_in_rss_with_absolute_links(
    client, arabic, english
):
    response = client.get("/feeds/rss/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = parse(response).find("channel")
    assert channel.findtext("title") == "Newsroom Fact-Check Desk: latest fact-checks"
    assert channel.findtext("link") == f"{SITE}/en/"
    items = rss_items(response)
    assert [item["link"] for item in items] == [
        f"{SITE}{english.get_absolute_url()}",
        f"{SITE}{arabic.get_absolute_url()}",
    ]
    assert items[1]["guid"] == items[1]["link"]
    assert items[1]["title"] == arabic.headline
    assert items[1]["category"] == "صحيح"
    assert items[0]["category"] == "True"
    assert "<strong>True</strong>" in items[0]["description"]
    assert english.summary.replace("'", "&#x27;") in items[0]["description"]


def test_it_lists_the_latest_fact_checks_in_atom(client, arabic, english):
    response = client.get("/feeds/atom/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = parse(response)
    self_link = feed.find(f"{ATOM}link[@rel='self']")
    assert self_link.get("href") == f"{SITE}/feeds/atom/"
    entries = atom_entries(response)
    assert [e["title"] for e in entries] == [english.headline, arabic.headline]
    assert entries[1]["link"] == f"{SITE}{arabic.get_absolute_url()}"
    assert feed.find(f"{ATOM}entry/{ATOM}updated") is not None


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_it_offers_a_feed_per_language(client, arabic, english, kind):
    arabic_feed = client.get(f"/feeds/ar/{kind}/")
    english_feed = client.get(f"/feeds/en/{kind}/")

    assert feed_links(arabic_feed) == [f"{SITE}{arabic.get_absolute_url()}"]
    assert feed_links(english_feed) == [f"{SITE}{english.get_absolute_url()}"]
    root = parse(arabic_feed)
    if kind == "rss":
        assert root.findtext("channel/language") == "ar"
        assert root.findtext("channel/link") == f"{SITE}/ar/"
        assert "العربيّة" in root.findtext("channel/title")
    else:
        assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "ar"


def test_it_answers_404_for_a_language_the_site_does_not_have(client, arabic):
    assert client.get("/feeds/fr/rss/").status_code == 404
    assert client.get("/feeds/fr/atom/").status_code == 404


def test_it_serves_the_same_feed_whatever_language_the_reader_prefers(client, arabic):
    english = client.get("/feeds/rss/", headers={"accept-language": "en"})
    cache.clear()
    arabic_reader = client.get("/feeds/rss/", headers={"accept-language": "ar"})

    assert parse(english).findtext("channel/title") == parse(arabic_reader).findtext(
        "channel/title"
    )


def test_it_escapes_markup_in_feed_items(client):
    payload = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
    published(headline=f"Headline {payload}", summary=f"Summary {payload}")

    item = rss_items(client.get("/feeds/rss/"))[0]
    entry = atom_entries(client.get("/feeds/atom/"))[0]

    # RSS readers treat title and description as HTML: the markup arrives as text.
    assert item["title"] == (
        "Headline &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; "
        "&lt;img src=x onerror=alert(1)&gt;"
    )
    for html in (item["description"], entry["summary"]):
        assert "<script" not in html
        assert "<img" not in html
        assert "&lt;script&gt;" in html
    # Atom's title is plain text by definition.
    assert entry["title"] == f"Headline {payload}"


@pytest.mark.parametrize("url", FEEDS)
def test_it_keeps_unpublished_fact_checks_out_of_the_feeds(client, arabic, hidden, url):
    response = client.get(url)

    assert response.status_code == 200
    assert b"Hidden headline" not in response.content
    for factcheck in hidden:
        assert factcheck.slug.encode() not in response.content
    if "/en/" not in url:
        assert feed_links(response) == [f"{SITE}{arabic.get_absolute_url()}"]


@pytest.mark.parametrize("url", ["/feeds/rss/", "/feeds/en/atom/"])
def test_it_reads_a_feed_in_one_query_however_many_items(
    client, django_assert_num_queries, url
):
    for n in range(3):
        published(Language.ENGLISH, text=f"Claim number {n}", headline=f"Item {n}")
    with django_assert_num_queries(1):
        few = client.get(url)
    for n in range(3, 12):
        published(Language.ENGLISH, text=f"Claim number {n}", headline=f"Item {n}")
    cache.clear()
    with django_assert_num_queries(1):
        many = client.get(url)

    assert len(feed_links(few)) == 3
    assert len(feed_links(many)) == 12


def test_it_caches_a_feed_and_answers_a_conditional_request_with_304(
    client, arabic, django_assert_num_queries
):
    first = client.get("/feeds/rss/")

    assert "public" in first["Cache-Control"]
    assert "max-age=60" in first["Cache-Control"]
    assert first.has_header("ETag")
    assert first.has_header("Last-Modified")
    with django_assert_num_queries(0):
        again = client.get("/feeds/rss/")
    assert again.content == first.content
    not_modified = client.get("/feeds/rss/", headers={"if-none-match": first["ETag"]})
    assert not_modified.status_code == 304
    assert not_modified.content == b""


def test_it_shows_a_newly_published_fact_check_on_the_next_request(
    client, editor, django_capture_on_commit_callbacks
):
    claim = factories.claim_at(Status.APPROVED, language=Language.ENGLISH)
    assert feed_links(client.get("/feeds/rss/")) == []

    with django_capture_on_commit_callbacks(execute=True):
        services.transition(claim, to=Status.PUBLISHED, actor=editor)

    factcheck = Claim.objects.get(pk=claim.pk).factcheck
    assert feed_links(client.get("/feeds/rss/")) == [
        f"{SITE}{factcheck.get_absolute_url()}"
    ]


def test_it_drops_a_retracted_fact_check_from_the_feed_on_the_next_request(
    client, editor, django_capture_on_commit_callbacks
):
    factcheck = published(Language.ENGLISH, headline="To be retracted")
    assert len(feed_links(client.get("/feeds/rss/"))) == 1

    with django_capture_on_commit_callbacks(execute=True):
        services.transition(
            factcheck.claim, to=Status.RETRACTED, actor=editor, note="Wrong evidence."
        )

    assert feed_links(client.get("/feeds/rss/")) == []


# --- Sitemap ---------------------------------------------------------------------


def test_it_maps_every_published_fact_check_and_the_pages_listing_them(
    client, arabic, english
):
    tag = factories.tag(name="ICC", slug="icc")
    arabic.claim.tags.add(tag)

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    locations = sitemap_locations(response)
    assert f"{SITE}{arabic.get_absolute_url()}" in locations
    assert f"{SITE}{english.get_absolute_url()}" in locations
    for language in ("ar", "en"):
        for page in ("", "fact-checks/", "methodology/", "corrections/", "about/"):
            assert f"{SITE}/{language}/{page}" in locations
        assert f"{SITE}/{language}/tags/icc/" in locations
        assert f"{SITE}/{language}/claimants/{arabic.claim.claimant.slug}/" in locations
    assert not any("/submit/" in location for location in locations)
    assert all(location.startswith(f"{SITE}/") for location in locations)
    assert len(locations) == len(set(locations))


def test_it_gives_each_fact_check_its_last_change_and_pages_their_translations(
    client, arabic
):
    root = parse(client.get("/sitemap.xml"))
    urls = {url.findtext(f"{SITEMAP}loc"): url for url in root}

    entry = urls[f"{SITE}{arabic.get_absolute_url()}"]
    assert entry.findtext(f"{SITEMAP}lastmod") == arabic.updated_at.date().isoformat()
    alternates = {
        link.get("hreflang"): link.get("href")
        for link in urls[f"{SITE}/ar/methodology/"].iter(f"{XHTML}link")
    }
    assert alternates == {
        "ar": f"{SITE}/ar/methodology/",
        "en": f"{SITE}/en/methodology/",
        "x-default": f"{SITE}/methodology/",
    }


def test_it_keeps_unpublished_fact_checks_and_their_claimants_out_of_the_sitemap(
    client, arabic, hidden
):
    draft_only_tag = factories.tag(name="draft only", slug="draft-only")
    for factcheck in hidden:
        factcheck.claim.tags.add(draft_only_tag)

    response = client.get("/sitemap.xml")

    locations = sitemap_locations(response)
    for factcheck in hidden:
        assert factcheck.slug not in response.content.decode()
        assert f"/claimants/{factcheck.claim.claimant.slug}/" not in " ".join(locations)
    assert not any("draft-only" in location for location in locations)
    assert [loc for loc in locations if FACTCHECK_PAGE.search(loc)] == [
        f"{SITE}{arabic.get_absolute_url()}"
    ]


def test_it_builds_the_sitemap_in_a_fixed_number_of_queries(
    client, django_assert_num_queries
):
    published(headline="One")
    with django_assert_num_queries(4):
        few = client.get("/sitemap.xml")
    for n in range(8):
        fc = published(headline=f"More {n}")
        fc.claim.tags.add(factories.tag())
    cache.clear()
    with django_assert_num_queries(4):
        many = client.get("/sitemap.xml")

    assert len(sitemap_locations(many)) > len(sitemap_locations(few))


def test_it_caches_the_sitemap_and_answers_a_conditional_request_with_304(
    client, arabic
):
    first = client.get("/sitemap.xml")

    assert "public" in first["Cache-Control"]
    assert first.has_header("ETag")
    not_modified = client.get("/sitemap.xml", headers={"if-none-match": first["ETag"]})
    assert not_modified.status_code == 304


def test_it_adds_a_newly_published_fact_check_to_the_sitemap_on_the_next_request(
    client, editor, django_capture_on_commit_callbacks
):
    claim = factories.claim_at(Status.APPROVED)
    before = sitemap_locations(client.get("/sitemap.xml"))

    with django_capture_on_commit_callbacks(execute=True):
        services.transition(claim, to=Status.PUBLISHED, actor=editor)

    after = sitemap_locations(client.get("/sitemap.xml"))
    url = f"{SITE}{Claim.objects.get(pk=claim.pk).factcheck.get_absolute_url()}"
    assert url not in before
    assert url in after


# --- robots.txt and discovery ------------------------------------------------------


def test_it_points_crawlers_to_the_sitemap_and_away_from_the_desk(
    client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /admin/" in lines
    assert "Disallow: /ar/submit/" in lines
    assert "Disallow: /en/submit/" in lines
    assert "Disallow: /" not in lines
    assert f"Sitemap: {SITE}/sitemap.xml" in lines
    assert "public" in response["Cache-Control"]


def test_it_links_the_feeds_from_every_page_head(client, arabic):
    page = client.get("/en/").content.decode()

    head = page[: page.index("</head>")]
    assert 'type="application/rss+xml"' in head
    assert 'href="/feeds/rss/"' in head or f'href="{SITE}/feeds/rss/"' in head
    assert 'type="application/atom+xml"' in head
