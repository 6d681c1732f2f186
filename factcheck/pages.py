"""What a fact-check's page shows, built in one place: the public site serves it
to readers, and the desk's preview shows a draft with exactly the same template
and context before it is published."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import get_language, override

from factcheck.bidi import direction
from factcheck.claimreview import claim_review_json
from factcheck.models import FactCheck

RELATED = 4


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str
    url: str
    is_current: bool


def home_links(current_url: str | None = None) -> list[LanguageLink]:
    """The switcher of a page that exists in one language only (a fact-check, at
    `current_url`) or nowhere (an error page): other languages lead home."""
    current = get_language()
    links = []
    for code, name in settings.LANGUAGES:
        if code == current and current_url:
            links.append(LanguageLink(code, name, current_url, True))
            continue
        with override(code):
            links.append(LanguageLink(code, name, reverse("home"), code == current))
    return links


def without_bodies(factchecks: QuerySet) -> QuerySet:
    """Fact-checks as a list shows them: without the bodies and search vectors,
    the largest columns, which no card displays."""
    return factchecks.defer("body", "search", "headline_search", "claim__search")


def factcheck_page(factcheck: FactCheck) -> dict:
    """The context of factcheck/factcheck_detail.html, from a fact-check fetched
    with `with_page_details()`: published on the public site, or a draft in the
    desk's preview, which must look exactly as readers will see it."""
    claim = factcheck.claim
    tags = list(claim.tags.all())
    shared = Q(claim__tags__in=tags)
    if claim.claimant_id:
        shared |= Q(claim__claimant=claim.claimant_id)
    related = without_bodies(
        FactCheck.objects.published()
        .exclude(pk=factcheck.pk)
        .filter(pk__in=FactCheck.objects.filter(shared).values("pk"))
    )[:RELATED]
    url = factcheck.get_absolute_url()
    return {
        "factcheck": factcheck,
        "claim": claim,
        "tags": tags,
        "related": related,
        "canonical_url": settings.SITE_URL + url,
        # A draft without a rating has no verdict to mark up yet.
        "claim_review": claim_review_json(factcheck) if factcheck.rating_id else "",
        "page_language": factcheck.language,
        "page_direction": direction(factcheck.language),
        "language_links": home_links(url),
    }
