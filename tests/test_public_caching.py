"""Public pages are cached, revalidated with 304, and purged when the record changes."""

import datetime

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from factcheck import pagecache, services
from factcheck.models import CorrectionKind, FactCheck, Language, Status
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


@pytest.fixture
def published():
    return factories.public_factcheck(
        Language.ENGLISH, headline="Turkey is not a party to the Rome Statute"
    )


def test_it_lets_browsers_and_cdns_keep_an_anonymous_page_for_a_minute(
    client, published
):
    response = client.get(url("home"))
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert response.headers["ETag"].startswith('"')
    assert "Last-Modified" in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")


@pytest.mark.parametrize(
    "page", ["home", "factcheck_list", "methodology", "corrections", "about"]
)
def test_it_serves_a_page_again_from_the_cache_without_a_query(
    client, published, django_assert_num_queries, page
):
    first = client.get(url(page))
    with django_assert_num_queries(0):
        again = client.get(url(page))
    assert again.content == first.content
    assert again.headers["ETag"] == first.headers["ETag"]


def test_it_serves_a_fact_check_page_again_without_a_query(
    client, published, django_assert_num_queries
):
    first = client.get(published.get_absolute_url())
    with django_assert_num_queries(0):
        assert client.get(published.get_absolute_url()).content == first.content


def test_it_answers_304_to_a_reader_who_has_the_page_by_its_etag(
    client, published, django_assert_num_queries
):
    first = client.get(published.get_absolute_url())
    with django_assert_num_queries(0):
        again = client.get(
            published.get_absolute_url(), headers={"If-None-Match": first["ETag"]}
        )
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"] == "public, max-age=60"


def test_it_answers_304_to_a_reader_who_has_the_page_by_its_date(client, published):
    first = client.get(url("factcheck_list"))
    again = client.get(
        url("factcheck_list"), headers={"If-Modified-Since": first["Last-Modified"]}
    )
    assert again.status_code == 304


def test_it_answers_200_to_a_reader_with_a_stale_etag(client, published):
    response = client.get(url("home"), headers={"If-None-Match": '"stale"'})
    assert response.status_code == 200
    assert published.headline in response.text


def test_it_caches_each_language_and_query_apart(client, published):
    assert 'lang="en"' in client.get(url("home")).text
    assert 'lang="ar"' in client.get(url("home", "ar")).text
    assert published.headline in client.get(url("factcheck_list")).text
    searched = client.get(url("factcheck_list"), {"q": "nothing like it"}).text
    assert published.headline not in searched


def test_it_shows_a_newly_published_fact_check_on_the_next_request(
    client, published, editor, django_capture_on_commit_callbacks
):
    claim = factories.claim_at(
        Status.APPROVED, text="A claim about to be published", language="en"
    )
    FactCheck.objects.filter(claim=claim).update(headline="Freshly published")
    before = client.get(url("home"))
    assert "Freshly published" not in before.text

    with django_capture_on_commit_callbacks(execute=True):
        services.transition(claim, to=Status.PUBLISHED, actor=editor)

    after = client.get(url("home"), headers={"If-None-Match": before["ETag"]})
    assert after.status_code == 200
    assert "Freshly published" in after.text
    assert after["ETag"] != before["ETag"]
    assert "Freshly published" in client.get(url("factcheck_list")).text


def test_it_shows_a_correction_on_the_next_request(
    client, published, editor, django_capture_on_commit_callbacks
):
    before = client.get(published.get_absolute_url()).text
    with django_capture_on_commit_callbacks(execute=True):
        services.correct(
            published,
            actor=editor,
            kind=CorrectionKind.CORRECTION,
            note="We had the wrong year.",
            summary="Corrected summary.",
        )
    after = client.get(published.get_absolute_url()).text
    assert "We had the wrong year." not in before
    assert "We had the wrong year." in after
    assert "Corrected summary." in after
    assert "We had the wrong year." in client.get(url("corrections")).text


def test_it_takes_a_retracted_fact_check_down_on_the_next_request(
    client, published, editor, django_capture_on_commit_callbacks
):
    assert client.get(published.get_absolute_url()).status_code == 200
    assert published.headline in client.get(url("home")).text
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(
            published.claim,
            to=Status.RETRACTED,
            actor=editor,
            note="The source was a forgery.",
        )
    assert client.get(published.get_absolute_url()).status_code == 404
    assert published.headline not in client.get(url("home")).text


def test_it_purges_only_after_the_change_commits(
    published, editor, django_capture_on_commit_callbacks
):
    generation = pagecache.generation()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.transition(
            published.claim, to=Status.RETRACTED, actor=editor, note="Withdrawn."
        )
    assert pagecache.generation() == generation
    for callback in callbacks:
        callback()
    assert pagecache.generation() != generation


def test_it_leaves_the_cache_alone_for_moves_readers_cannot_see(
    editor, django_capture_on_commit_callbacks
):
    claim = factories.claim(Status.SUBMITTED)
    generation = pagecache.generation()
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(claim, to=Status.ACCEPTED, actor=editor)
    assert pagecache.generation() == generation


def test_it_never_caches_for_a_signed_in_editor(client, published, editor):
    client.force_login(editor)
    client.get(url("home"))
    response = client.get(url("home"))
    assert "private" in response.headers["Cache-Control"]
    assert "ETag" not in response.headers
    # The session cookie alone sends the request past the cache.
    assert settings.SESSION_COOKIE_NAME in client.cookies


def test_it_does_not_cache_a_not_found_page(client):
    assert client.get(url("claimant_detail", slug="nobody")).status_code == 404
    factories.public_factcheck(
        claim_fields={"claimant": factories.claimant(slug="nobody")}
    )
    assert client.get(url("claimant_detail", slug="nobody")).status_code == 200


def test_it_shows_an_edited_rating_label_on_the_next_request(
    client, published, administrator, django_capture_on_commit_callbacks
):
    rating = published.rating
    admin = django_client_logged_in(administrator)
    change = reverse("admin:factcheck_rating_change", args=[rating.pk])
    before = client.get(url("methodology")).text
    fields = {
        f: getattr(rating, f)
        for f in (
            "value",
            "slug",
            "label_ar",
            "definition_en",
            "definition_ar",
            "colour",
        )
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(change, {**fields, "label_en": "Accurate"})

    assert response.status_code == 302
    assert "Accurate" not in before
    assert "Accurate" in client.get(url("methodology")).text


def test_it_shows_a_new_tag_on_a_published_claim_on_the_next_request(
    client, published, editor, django_capture_on_commit_callbacks
):
    claim = published.claim
    tag = factories.tag(name="Black Sea grain deal", slug="grain")
    before = client.get(published.get_absolute_url()).text

    with django_capture_on_commit_callbacks(execute=True):
        services.update_claim(
            claim,
            actor=editor,
            expected_version=claim.version,
            changes={},
            tags=[tag],
        )

    assert "Black Sea grain deal" not in before
    assert "Black Sea grain deal" in client.get(published.get_absolute_url()).text


def django_client_logged_in(user):
    from django.test import Client

    other = Client()
    other.force_login(user)
    return other


# --- What one reader's request headers may not put in everyone's copy -------------

HOSTILE_HEADERS = {
    "host": {"HTTP_HOST": "127.0.0.1:6666"},
    "forwarded https": {"HTTP_X_FORWARDED_PROTO": "https"},
}


@pytest.fixture
def three_published():
    return [
        factories.public_factcheck(Language.ENGLISH, headline=f"Checked claim {n}")
        for n in range(3)
    ]


@pytest.mark.parametrize("headers", HOSTILE_HEADERS.values(), ids=HOSTILE_HEADERS)
def test_it_links_api_pages_to_the_site_whatever_host_the_first_reader_named(
    client, three_published, headers
):
    path = "/api/v1/factchecks/?page_size=1&page=2"

    first = client.get(path, **headers).json()
    later = client.get(path).json()

    api = f"{settings.SITE_URL}/api/v1/factchecks/"
    for page in (first, later):
        assert page["next"] == f"{api}?page=3&page_size=1"
        assert page["previous"] == f"{api}?page_size=1"


@pytest.mark.parametrize("headers", HOSTILE_HEADERS.values(), ids=HOSTILE_HEADERS)
@pytest.mark.parametrize(
    "path",
    [
        "/en/",
        "/en/fact-checks/",
        "/feeds/rss/",
        "/feeds/atom/",
        "/sitemap.xml",
        "/robots.txt",
        "/api/v1/claimreview/",
        "/api/v1/factchecks/",
    ],
)
def test_it_never_serves_a_cached_copy_naming_the_first_readers_host(
    client, three_published, headers, path
):
    client.get(path, **headers)

    later = client.get(path)

    assert later.status_code == 200
    # The DataFeed is streamed; everything else comes whole.
    text = b"".join(later.streaming_content).decode() if later.streaming else later.text
    assert "127.0.0.1:6666" not in text
    assert "https://testserver" not in text
    assert settings.SITE_URL in text


def test_pages_and_the_public_api_answer_conditional_requests_alike(client, published):
    for path in (
        url("home"),
        "/feeds/rss/",
        "/api/v1/factchecks/",
        f"/api/v1/factchecks/{published.slug}/",
    ):
        first = client.get(path)
        by_etag = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
        by_date = client.get(path, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

        assert first["Cache-Control"] == (
            f"public, max-age={pagecache.BROWSER_SECONDS}"
        ), path
        assert (by_etag.status_code, by_date.status_code) == (304, 304), path


def test_a_feed_answers_if_modified_since_with_the_date_it_sent(
    client, published, time_machine
):
    """Django's feed view sets its own Last-Modified (its newest item's date), older
    than the copy when the feed is first read a while after a publication: the
    date a reader is given must be the one its If-Modified-Since is compared to."""
    time_machine.move_to(timezone.now() + datetime.timedelta(hours=1), tick=False)

    first = client.get("/feeds/rss/")
    again = client.get("/feeds/rss/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert again.status_code == 304


@pytest.mark.parametrize(
    "path",
    [
        "/en/fact-checks/",
        "/en/fact-checks/?q=Turkey",
        "/en/fact-checks/?page=2",
        "/api/v1/factchecks/",
        "/api/v1/claimreview/",
    ],
)
def test_it_reads_the_generation_once_per_request(client, published, monkeypatch, path):
    reads = []
    read = cache.get_or_set

    def counted(key, *args, **kwargs):
        if key == pagecache.GENERATION_KEY:
            reads.append(key)
        return read(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get_or_set", counted)
    client.get(path)
    assert len(reads) == 1
