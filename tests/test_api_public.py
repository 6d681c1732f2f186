"""The public, anonymous, read-only API: published work only, fixed query counts."""

import json
from urllib.parse import unquote

import pytest
from django.core.cache import cache

from factcheck import services
from factcheck.models import CorrectionKind, Language, Status
from factcheck.pagecache import purge
from factcheck.pages import render_page
from tests import factories
from tests.api import anonymous  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

FACTCHECKS = "/api/v1/factchecks/"
UNPUBLISHED = [
    Status.SUBMITTED,
    Status.ACCEPTED,
    Status.IN_RESEARCH,
    Status.IN_REVIEW,
    Status.APPROVED,
    Status.RETRACTED,
    Status.DISMISSED,
]
PUBLIC_FACTCHECK_KEYS = {
    "slug",
    "url",
    "language",
    "headline",
    "summary",
    "body",
    "verdict",
    "claim",
    "sources",
    "corrections",
    "authors",
    "approved_by",
    "published_at",
    "updated_at",
    "translation",
    "claim_review",
}


@pytest.fixture(autouse=True)
def fresh_throttles():
    cache.clear()


def published(**fields):
    claim = factories.claim_at(Status.PUBLISHED, **fields)
    return claim.factcheck


def slugs(response) -> list[str]:
    return [item["slug"] for item in response.json()["results"]]


def test_it_lists_published_fact_checks_with_only_public_fields(anonymous):  # noqa: F811
    fc = published()

    response = anonymous.get(FACTCHECKS)

    assert response.status_code == 200
    item = response.json()["results"][0]
    assert set(item) == PUBLIC_FACTCHECK_KEYS
    assert set(item["claim"]) == {
        "text",
        "language",
        "claimed_on",
        "claimant",
        "appearances",
        "tags",
    }
    assert set(item["sources"][0]) == {
        "url",
        "title",
        "publisher",
        "kind",
        "stance",
        "excerpt",
    }
    assert item["slug"] == fc.slug
    assert item["url"].startswith("http")
    assert item["claim_review"]["@type"] == "ClaimReview"
    body = response.content.decode()
    for internal in (
        "assignee",
        "submitter_contact",
        "submitted_context",
        "version",
        "email",
        "status",
    ):
        assert f'"{internal}"' not in body


@pytest.mark.parametrize("status", UNPUBLISHED)
def test_it_never_shows_unpublished_work(anonymous, status):  # noqa: F811
    hidden = factories.claim_at(status, text="مسودة سرية عن المحكمة الجنائية")
    published()

    listing = anonymous.get(FACTCHECKS)
    searched = anonymous.get(FACTCHECKS, {"q": "المحكمة الجنائية"})
    feed = anonymous.get("/api/v1/claimreview/")

    assert listing.json()["count"] == 1
    assert searched.json()["count"] == 0
    assert "مسودة سرية" not in b"".join(feed.streaming_content).decode()
    assert "مسودة سرية" not in listing.content.decode()
    draft = getattr(hidden, "factcheck", None)
    if draft is not None:
        assert anonymous.get(f"{FACTCHECKS}{draft.slug}/").status_code == 404


def test_it_lists_only_claimants_with_published_fact_checks(anonymous):  # noqa: F811
    shown = factories.claimant(name="يوري أوشاكوف", slug="ushakov")
    published(claimant=shown)
    hidden = factories.claimant(name="Draft only", slug="draft-only")
    factories.claim_at(Status.IN_REVIEW, claimant=hidden)

    response = anonymous.get("/api/v1/claimants/")

    assert [c["slug"] for c in response.json()["results"]] == ["ushakov"]
    assert anonymous.get("/api/v1/claimants/draft-only/").status_code == 404


def test_it_filters_by_language_rating_claimant_tag_and_dates(anonymous):  # noqa: F811
    arabic = published()
    english = published(text="Turkey is not a party", language=Language.ENGLISH)
    english.language = Language.ENGLISH
    english.save(update_fields=["language"])
    tag = factories.tag(slug="icc")
    arabic.claim.tags.add(tag)

    assert slugs(anonymous.get(FACTCHECKS, {"language": "en"})) == [english.slug]
    assert slugs(anonymous.get(FACTCHECKS, {"tag": "icc"})) == [arabic.slug]
    assert slugs(
        anonymous.get(FACTCHECKS, {"claimant": arabic.claim.claimant.slug})
    ) == [arabic.slug]
    assert len(slugs(anonymous.get(FACTCHECKS, {"rating": 5}))) == 2
    assert slugs(anonymous.get(FACTCHECKS, {"rating": 1})) == []
    assert (
        slugs(anonymous.get(FACTCHECKS, {"published_after": "2999-01-01T00:00:00Z"}))
        == []
    )


def test_it_reads_any_offset_python_accepts_and_refuses_a_time_out_of_range(
    anonymous,  # noqa: F811
):
    published()
    # PostgreSQL refuses offsets beyond ±15:59; the API converts to UTC first.
    odd_offset = anonymous.get(
        FACTCHECKS, {"published_after": "0105-01-08T14:13:38-21:46"}
    )
    assert odd_offset.status_code == 200
    assert len(slugs(odd_offset)) == 1

    before_year_one = anonymous.get(
        FACTCHECKS, {"published_after": "0001-01-01T00:00:00+10:00"}
    )
    assert before_year_one.status_code == 400
    assert "published_after" in before_year_one.json()


@pytest.mark.parametrize("parameter", ["language", "rating", "published_after"])
def test_it_refuses_an_empty_filter_instead_of_ignoring_it(
    anonymous,  # noqa: F811
    parameter,
):
    response = anonymous.get(FACTCHECKS, {parameter: ""})
    assert response.status_code == 400
    assert parameter in response.json()


def test_it_searches_in_arabic_and_english(anonymous):  # noqa: F811
    arabic = published()
    services_headline(arabic, "المحكمة الجنائية الدولية وتركيا")
    english = published(language=Language.ENGLISH)
    services_headline(english, "Turkey and the Rome Statute")

    assert slugs(anonymous.get(FACTCHECKS, {"q": "المحكمة الجنائية"})) == [arabic.slug]
    # The factory's Arabic draft has an English summary, so it matches as well.
    assert english.slug in slugs(anonymous.get(FACTCHECKS, {"q": "Rome Statute"}))
    assert slugs(anonymous.get(FACTCHECKS, {"q": "Ankara"})) == []


def services_headline(fc, headline):
    # Written before publication would be the normal path; the trigger allows a
    # direct write only with a correction, so write one.
    services.correct(
        fc,
        actor=factories.user(f"ed{fc.pk}", "Editors"),
        kind=CorrectionKind.UPDATE,
        note="Headline clarified.",
        headline=headline,
    )


def test_it_pages_with_a_stable_order(anonymous):  # noqa: F811
    for _ in range(5):
        published()

    first = anonymous.get(FACTCHECKS, {"page_size": 2})
    second = anonymous.get(FACTCHECKS, {"page_size": 2, "page": 2})
    third = anonymous.get(FACTCHECKS, {"page_size": 2, "page": 3})

    seen = slugs(first) + slugs(second) + slugs(third)
    assert len(seen) == len(set(seen)) == 5


def test_it_answers_the_list_and_detail_in_a_fixed_number_of_queries(
    anonymous,  # noqa: F811
    django_assert_num_queries,
):
    fc = published()
    anonymous.get(FACTCHECKS, {"language": "ar"})  # warm the content-type cache

    with django_assert_num_queries(PINNED_LIST_QUERIES):
        anonymous.get(FACTCHECKS)
    with django_assert_num_queries(PINNED_DETAIL_QUERIES):
        anonymous.get(f"{FACTCHECKS}{fc.slug}/")
    # Until the next publication purges it, the same data is not built again.
    with django_assert_num_queries(0):
        assert anonymous.get(FACTCHECKS).status_code == 200
        assert anonymous.get(f"{FACTCHECKS}{fc.slug}/").status_code == 200

    for _ in range(6):
        more = published()
        for n in range(4):
            with factories.assembling(more.claim):
                factories.source(more.claim, url=f"https://example.org/{more.pk}/{n}")
            factories.correction(more)
    purge()  # what each of those publications does once it commits
    with django_assert_num_queries(PINNED_LIST_QUERIES):
        response = anonymous.get(FACTCHECKS)
    assert response.json()["count"] == 7
    with django_assert_num_queries(PINNED_DETAIL_QUERIES):
        anonymous.get(f"{FACTCHECKS}{more.slug}/")


# count, page (with claim, claimant, rating, approver joined), the prefetches of
# appearances, sources, corrections, authors and tags, and the scale's bounds.
# (Last-Modified is when the cached copy was built: no query.)
PINNED_LIST_QUERIES = 8
# The same with one row and no count.
PINNED_DETAIL_QUERIES = 7


def test_it_answers_304_when_nothing_changed(anonymous):  # noqa: F811
    fc = published()
    first = anonymous.get(f"{FACTCHECKS}{fc.slug}/")

    again = anonymous.get(f"{FACTCHECKS}{fc.slug}/", HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == 200
    assert "Last-Modified" in first
    assert "public" in first["Cache-Control"]
    assert again.status_code == 304
    assert again.content == b""


def test_it_allows_cross_origin_reads_without_credentials(anonymous):  # noqa: F811
    published()

    response = anonymous.get(FACTCHECKS, HTTP_ORIGIN="https://partner.example")

    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response


def test_it_offers_no_cross_origin_access_to_the_newsroom_api(anonymous):  # noqa: F811
    response = anonymous.get("/api/v1/claims/", HTTP_ORIGIN="https://partner.example")

    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_it_refuses_writes_to_public_endpoints(anonymous, method):  # noqa: F811
    fc = published()

    response = getattr(anonymous, method)(f"{FACTCHECKS}{fc.slug}/", {}, format="json")

    assert response.status_code == 405  # read-only, not a matter of credentials


def test_it_publishes_a_claimreview_datafeed_of_everything_published(
    anonymous,  # noqa: F811
):
    fcs = [published(), published()]
    render_page(fcs[0].pk)  # one stored with its page, one not (yet)
    factories.claim_at(Status.IN_REVIEW)

    response = anonymous.get("/api/v1/claimreview/")
    assert response.streaming
    feed = json.loads(b"".join(response.streaming_content))

    assert feed["@context"] == "https://schema.org"
    assert feed["@type"] == "DataFeed"
    reviews = [element["item"][0] for element in feed["dataFeedElement"]]
    assert len(reviews) == 2
    assert {unquote(r["url"]).rsplit("/", 2)[-2] for r in reviews} == {
        fc.slug for fc in fcs
    }
    assert all(r["@type"] == "ClaimReview" for r in reviews)


def test_it_streams_the_datafeed_in_one_query_when_every_page_is_stored(
    anonymous,  # noqa: F811
    django_assert_num_queries,
):
    for _ in range(3):
        render_page(published().pk)
    with django_assert_num_queries(1):
        response = anonymous.get("/api/v1/claimreview/")
        feed = json.loads(b"".join(response.streaming_content))
    assert len(feed["dataFeedElement"]) == 3
    again = anonymous.get(
        "/api/v1/claimreview/", headers={"If-None-Match": response["ETag"]}
    )
    assert again.status_code == 304


def test_it_shows_the_rating_scale(anonymous):  # noqa: F811
    factories.rating(1)
    factories.rating(5)

    response = anonymous.get("/api/v1/ratings/")

    assert [r["value"] for r in response.json()] == [1, 5]
    assert response.json()[0]["label_ar"] == "خطأ"


def test_it_lists_a_new_publication_and_drops_a_retraction_at_once(
    anonymous,  # noqa: F811
    editor,
    django_capture_on_commit_callbacks,
):
    published()
    assert anonymous.get(FACTCHECKS).json()["count"] == 1

    claim = factories.claim_at(Status.APPROVED)
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(claim, to=Status.PUBLISHED, actor=editor)
    assert anonymous.get(FACTCHECKS).json()["count"] == 2
    assert anonymous.get(f"{FACTCHECKS}{claim.factcheck.slug}/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        services.transition(claim, to=Status.RETRACTED, actor=editor, note="Forged.")
    assert anonymous.get(FACTCHECKS).json()["count"] == 1
    assert anonymous.get(f"{FACTCHECKS}{claim.factcheck.slug}/").status_code == 404
