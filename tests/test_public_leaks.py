"""Nothing unpublished reaches a reader's page, list, search result or filter.

Each hidden fact-check carries its own marker in its headline, summary, body,
claim, claimant and tag; no page may show any of them. A retracted fact-check's
address answers 404 with its public retraction note, and the corrections log lists
the retraction with that note; neither shows what the retracted fact-check said,
not even its headline, which would repeat the verdict withdrawn.
"""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from factcheck.models import CorrectionKind, Language, Status
from tests import factories

pytestmark = pytest.mark.django_db

HIDDEN = {
    "draft": Status.IN_RESEARCH,
    "in_review": Status.IN_REVIEW,
    "approved": Status.APPROVED,
    "retracted": Status.RETRACTED,
    "scheduled": Status.PUBLISHED,  # published status, publication time ahead
}
RETRACTION_NOTE = "We retracted this: the treaty list we relied on was out of date."


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def hidden_factcheck(name: str, status: str):
    # Every text shares the word "Rome" with the published one, so a search for
    # it would find them all if the filter were missing.
    marker = f"zz{name}zz"
    fields = {}
    if name == "scheduled":
        fields["published_at"] = timezone.now() + datetime.timedelta(days=1)
    factcheck = factories.factcheck_at(
        status,
        claim_fields={
            "text": f"Rome Statute claim {marker}",
            "language": Language.ENGLISH,
            "claimant": factories.claimant(name=f"Claimant {marker}", slug=marker),
        },
        headline=f"Rome headline {marker}",
        summary=f"Rome summary {marker}",
        body=f"Rome body {marker}",
        rating=factories.rating(3),
        **fields,
    )
    factcheck.claim.tags.add(factories.tag(name=f"Tag {marker}", slug=f"tag-{marker}"))
    if status == Status.RETRACTED:
        factories.correction(
            factcheck, kind=CorrectionKind.RETRACTION, note=RETRACTION_NOTE
        )
    if name == "scheduled":
        factories.correction(factcheck, note=f"Early note {marker}")
    return factcheck


@pytest.fixture
def world():
    published = factories.public_factcheck(
        Language.ENGLISH,
        claim_fields={"text": "Turkey is not a party to the Rome Statute"},
        headline="Rome headline published",
        summary="Rome summary published",
        body="Rome body published",
    )
    hidden = {name: hidden_factcheck(name, status) for name, status in HIDDEN.items()}
    # A dismissed or submitted claim has no fact-check, only a claim and claimant.
    for name, status in (("dismissed", Status.DISMISSED), ("submitted", "submitted")):
        marker = f"zz{name}zz"
        factories.claim(
            status,
            text=f"Rome Statute claim {marker}",
            claimant=factories.claimant(name=f"Claimant {marker}", slug=marker),
        )
    return published, hidden


MARKERS = [f"zz{name}zz" for name in [*HIDDEN, "dismissed", "submitted"]]


def assert_nothing_hidden(html: str, where: str) -> None:
    for marker in MARKERS:
        assert marker not in html, f"{marker} leaked on {where}"


def public_pages(published) -> list[str]:
    tag = published.claim.tags.first()
    pages = []
    for language in ("ar", "en"):
        pages += [
            url("home", language),
            url("factcheck_list", language),
            url("factcheck_list", language) + "?q=Rome",
            url("factcheck_list", language) + "?q=Rome&language=en&rating=rating-3",
            url("factcheck_list", language) + "?published_from=2000-01-01",
            url("claimant_detail", language, slug=published.claim.claimant.slug),
            url("tag_detail", language, slug=tag.slug),
            url("methodology", language),
            url("corrections", language),
            url("about", language),
        ]
    return [*pages, published.get_absolute_url()]


def test_it_shows_nothing_unpublished_on_any_page_list_search_or_filter(client, world):
    published, _ = world
    for page in public_pages(published):
        response = client.get(page)
        assert response.status_code == 200, page
        assert_nothing_hidden(response.text.replace(RETRACTION_NOTE, ""), page)


def test_it_finds_only_the_published_fact_check_when_searching(client, world):
    published, _ = world
    html = client.get(url("factcheck_list"), {"q": "Rome"}).text
    assert published.headline in html
    assert "1 fact-check" in html
    for marker in MARKERS:
        assert (
            client.get(url("factcheck_list"), {"q": marker})
            .context["page"]
            .paginator.count
            == 0
        )


def test_it_offers_no_filter_choice_that_only_unpublished_work_has(client, world):
    html = client.get(url("factcheck_list")).text
    assert_nothing_hidden(html, "the filter choices")
    for marker in MARKERS:
        response = client.get(url("factcheck_list"), {"claimant": marker})
        assert "Some filters were not understood" in response.text
        response = client.get(url("factcheck_list"), {"tag": f"tag-{marker}"})
        assert "Some filters were not understood" in response.text


@pytest.mark.parametrize("name", HIDDEN)
def test_it_answers_404_at_an_unpublished_fact_checks_address(client, world, name):
    _, hidden = world
    factcheck = hidden[name]
    for language in ("ar", "en"):
        response = client.get(url("factcheck_detail", language, slug=factcheck.slug))
        assert response.status_code == 404
        shown = response.text.replace(RETRACTION_NOTE, "")
        if name == "retracted":
            # The notice names what was retracted: the claim, and who made it.
            claim = factcheck.claim
            shown = shown.replace(claim.text, "").replace(claim.claimant.name, "")
        assert_nothing_hidden(shown, name)


def test_it_says_at_a_retracted_address_that_it_was_retracted_and_why(client, world):
    _, hidden = world
    response = client.get(hidden["retracted"].get_absolute_url())
    assert response.status_code == 404
    assert "This fact-check was retracted" in response.text
    assert RETRACTION_NOTE in response.text
    assert '<meta name="robots" content="noindex">' in response.text
    assert "application/ld+json" not in response.text


def test_it_answers_404_for_claimants_and_topics_with_nothing_published(client, world):
    for marker in MARKERS:
        for language in ("ar", "en"):
            assert (
                client.get(url("claimant_detail", language, slug=marker)).status_code
                == 404
            )
        if marker not in ("zzdismissedzz", "zzsubmittedzz"):
            assert (
                client.get(url("tag_detail", slug=f"tag-{marker}")).status_code == 404
            )


def test_it_logs_the_retraction_without_a_link_or_the_retracted_text(client, world):
    _, hidden = world
    retracted = hidden["retracted"]
    html = client.get(url("corrections")).text
    assert RETRACTION_NOTE in html
    assert "Retraction" in html
    assert "A fact-check we retracted" in html
    assert retracted.get_absolute_url() not in html
    assert_nothing_hidden(html.replace(RETRACTION_NOTE, ""), "the corrections log")
    # The scheduled fact-check's note waits for its publication.
    assert "Early note" not in html
