"""What a public page reads: published fact-checks only, everything they show fetched
in a fixed number of queries, each at its one canonical address."""

import datetime

import pytest
from django.utils import timezone, translation

from factcheck import services
from factcheck.models import (
    Appearance,
    Claim,
    CorrectionKind,
    FactCheck,
    Language,
    Rating,
    Status,
)
from tests import factories

# The fact-checks with their claim, claimant, rating and approver, then one query
# each for appearances (with articles and outlets), sources, corrections, authors
# and tags.
PAGE_QUERIES = 6


def rich_published_claim(size: int, editor) -> Claim:
    """A published claim with `size` of every related thing a page shows."""
    claim = factories.claim_at(Status.PUBLISHED)
    factcheck = claim.factcheck
    for n in range(size):
        with factories.assembling(claim):
            Appearance.objects.create(
                claim=claim, article=factories.article(), is_first=(n == 0)
            )
            if n:
                factories.source(claim, url=f"https://sources.example/{n}")
        factcheck.authors.add(factories.user(f"author{claim.pk}x{n}", password=None))
        claim.tags.add(factories.tag())
        services.correct(
            factcheck, actor=editor, kind=CorrectionKind.UPDATE, note=f"تحديث {n}"
        )
    return claim


def read_everything_a_page_shows(factchecks: list[FactCheck]) -> list:
    seen = []
    for factcheck in factchecks:
        claim = factcheck.claim
        seen += [
            factcheck.headline,
            factcheck.rating.label(factcheck.language),
            factcheck.approved_by.get_full_name(),
            claim.claimant.name,
            [(a.article.title, a.article.outlet.name) for a in claim.appearances.all()],
            [s.title for s in claim.sources.all()],
            [c.note for c in factcheck.corrections.all()],
            [u.username for u in factcheck.authors.all()],
            [t.name for t in claim.tags.all()],
        ]
    return seen


@pytest.mark.parametrize("size", [1, 6])
def test_it_reads_a_page_in_a_fixed_number_of_queries(
    size, editor, django_assert_num_queries
):
    claim = rich_published_claim(size, editor)

    with django_assert_num_queries(PAGE_QUERIES):
        factcheck = FactCheck.objects.for_page().get(claim=claim)
        seen = read_everything_a_page_shows([factcheck])

    appearances, sources, corrections, authors, tags = seen[4:]
    assert len(appearances) == size
    assert len(sources) == size
    assert len(corrections) == size
    assert len(authors) == size
    assert len(tags) == size


def test_it_reads_a_list_in_the_same_number_of_queries(
    editor, django_assert_num_queries
):
    for size in (1, 3, 5):
        rich_published_claim(size, editor)

    with django_assert_num_queries(PAGE_QUERIES):
        factchecks = list(FactCheck.objects.for_page())
        read_everything_a_page_shows(factchecks)

    assert len(factchecks) == 3


@pytest.mark.parametrize(
    "status",
    [
        Status.SUBMITTED,
        Status.ACCEPTED,
        Status.IN_RESEARCH,
        Status.IN_REVIEW,
        Status.APPROVED,
        Status.RETRACTED,
        Status.DISMISSED,
    ],
)
def test_it_shows_nothing_that_is_not_published(db, status):
    shown = factories.claim_at(Status.PUBLISHED)
    hidden = factories.claim_at(status)
    if status in (Status.SUBMITTED, Status.ACCEPTED, Status.DISMISSED):
        services.ensure_draft(hidden)

    assert [fc.claim_id for fc in FactCheck.objects.for_page()] == [shown.pk]
    assert not FactCheck.objects.for_page().filter(claim=hidden).exists()


def test_it_hides_a_fact_check_scheduled_for_later(db):
    later = factories.claim_at(Status.APPROVED)
    FactCheck.objects.filter(claim=later).update(
        published_at=timezone.now() + datetime.timedelta(hours=1)
    )
    Claim.objects.filter(pk=later.pk).update(status=Status.PUBLISHED)

    assert not FactCheck.objects.for_page().exists()


def test_it_lists_corrections_newest_first(editor):
    claim = factories.claim_at(Status.PUBLISHED)
    for note in ("first", "second", "third"):
        services.correct(
            claim.factcheck, actor=editor, kind=CorrectionKind.CLARIFICATION, note=note
        )

    factcheck = FactCheck.objects.for_page().get(claim=claim)

    assert [c.note for c in factcheck.corrections.all()] == [
        "third",
        "second",
        "first",
    ]


def test_it_lists_the_first_appearance_first(db):
    claim = factories.claim_at(Status.PUBLISHED)
    later = factories.article(title="later")
    first = factories.article(title="first")
    with factories.assembling(claim):
        Appearance.objects.create(claim=claim, article=later)
        Appearance.objects.create(claim=claim, article=first, is_first=True)

    factcheck = FactCheck.objects.for_page().get(claim=claim)

    assert [a.article.title for a in factcheck.claim.appearances.all()] == [
        "first",
        "later",
    ]


def test_it_lists_authors_by_name(db):
    claim = factories.claim_at(Status.PUBLISHED)
    for username, first_name in (("u1", "Omar"), ("u2", "Fatima"), ("u3", "Layla")):
        claim.factcheck.authors.add(
            factories.user(username, first_name=first_name, password=None)
        )

    factcheck = FactCheck.objects.for_page().get(claim=claim)

    assert [u.first_name for u in factcheck.authors.all()] == [
        "Fatima",
        "Layla",
        "Omar",
    ]


def test_it_links_a_fact_check_under_its_own_language_whatever_the_interface(db):
    arabic = factories.claim_at(Status.PUBLISHED, language=Language.ARABIC).factcheck
    english = factories.claim_at(Status.PUBLISHED, language=Language.ENGLISH).factcheck
    FactCheck.objects.filter(pk=arabic.pk).update(slug="تركيا-ليست-طرفا")
    FactCheck.objects.filter(pk=english.pk).update(slug="turkey-not-a-party")
    arabic.refresh_from_db()
    english.refresh_from_db()

    for interface in ("ar", "en"):
        with translation.override(interface):
            assert arabic.get_absolute_url() == (
                "/ar/fact-checks/%D8%AA%D8%B1%D9%83%D9%8A%D8%A7-"
                "%D9%84%D9%8A%D8%B3%D8%AA-%D8%B7%D8%B1%D9%81%D8%A7/"
            )
            assert english.get_absolute_url() == "/en/fact-checks/turkey-not-a-party/"
            # Linking must not change the language the page is being built in.
            assert translation.get_language() == interface


def test_it_gives_the_scale_bounds_from_the_data(db):
    assert Rating.objects.scale_bounds() == (None, None)

    for value in (3, 1, 5):
        factories.rating(value)
    assert Rating.objects.scale_bounds() == (1, 5)

    factories.rating(7)
    assert Rating.objects.scale_bounds() == (1, 7)
