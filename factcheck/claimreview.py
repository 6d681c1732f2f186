"""The schema.org ClaimReview of a fact-check, the markup aggregators read.

Google Fact Check Explorer, Bing and others take the verdict from this markup rather
than from the page, so it must say what the page says: the same claim, claimant,
dates and verdict label, in the fact-check's language. README.md (Public site,
"ClaimReview") lists the properties it carries; their rules are schema.org's
ClaimReview and Google's fact-check markup guidelines
(https://developers.google.com/search/docs/appearance/structured-data/factcheck).
"""

import datetime
import json
import re

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

from factcheck.models import Appearance, Claimant, ClaimantKind, FactCheck, Rating

CLAIM_REVIEWED_MAX = 75
ELLIPSIS = "…"
WHITESPACE = re.compile(r"\s+")

# Characters that could end the <script> element or open a comment in it, and the
# two line separators older JavaScript parsers treat as newlines: as \u escapes
# they mean the same to a JSON parser and nothing to the HTML tokenizer.
SCRIPT_UNSAFE = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    ord("\u2028"): "\\u2028",
    ord("\u2029"): "\\u2029",
}


def newsroom_publisher(site_url: str | None = None) -> dict:
    """The newsroom as the ClaimReview's author (the fact-checker, not the claimant)."""
    return {"name": settings.NEWSROOM_NAME, "url": site_url or settings.SITE_URL}


def short_claim(text: str, limit: int = CLAIM_REVIEWED_MAX) -> str:
    """The claim for `claimReviewed`, which Google asks to keep under 75 characters.

    Cut at the last whole word that fits, with an ellipsis to show it was cut; a
    single word longer than the limit is cut inside the word.
    """
    text = WHITESPACE.sub(" ", text).strip()
    if len(text) <= limit:
        return text
    room = limit - len(ELLIPSIS)
    cut = text[:room]
    if text[room] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.،؛") + ELLIPSIS


def _timestamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="seconds")


def _claim_author(claimant: Claimant) -> dict:
    kind = "Organization" if claimant.kind == ClaimantKind.ORGANIZATION else "Person"
    author = {"@type": kind, "name": claimant.name}
    if claimant.same_as:
        author["sameAs"] = claimant.same_as
    return author


def _creative_work(appearance: Appearance, language: str) -> dict:
    article = appearance.article
    work = {
        "@type": "NewsArticle",
        "url": article.url,
        "headline": article.title,
        "inLanguage": article.language,
        # Named as the page names it, in the fact-check's language.
        "publisher": {
            "@type": "Organization",
            "name": article.outlet.name_in(language),
        },
    }
    if article.published_on:
        work["datePublished"] = article.published_on.isoformat()
    return work


def _item_reviewed(factcheck: FactCheck, appearances: list | None) -> dict:
    claim = factcheck.claim
    if appearances is None:
        appearances = list(claim.appearances.all())
    item = {"@type": "Claim"}
    if claim.claimant:
        item["author"] = _claim_author(claim.claimant)
    if claim.claimed_on:
        item["datePublished"] = claim.claimed_on.isoformat()
    first = next((a for a in appearances if a.is_first), None)
    if first is not None:
        item["firstAppearance"] = _creative_work(first, factcheck.language)
    others = [
        _creative_work(a, factcheck.language) for a in appearances if a is not first
    ]
    if others:
        item["appearance"] = others
    return item


def _review_rating(
    rating: Rating, language: str, bounds: tuple[int | None, int | None]
) -> dict:
    worst, best = bounds
    label = rating.label(language)
    return {
        "@type": "Rating",
        "ratingValue": rating.value,
        "bestRating": best,
        "worstRating": worst,
        "alternateName": label,
        "name": label,
    }


def claim_review(
    factcheck: FactCheck,
    *,
    site_url: str | None = None,
    publisher: dict | None = None,
    scale_bounds: tuple[int | None, int | None] | None = None,
    appearances: list[Appearance] | None = None,
) -> dict:
    """The ClaimReview of a published fact-check, as a JSON-LD object.

    Give it a fact-check from `FactCheck.objects.for_page()`, whose prefetches it
    reads, or the claim's `appearances` (with article and outlet) fetched by the
    caller; the scale's bounds cost one query unless `scale_bounds` (worst, best)
    is given, as lists of many fact-checks do. `site_url` defaults to the SITE_URL
    setting, `publisher` (name and url) to the newsroom: NEWSROOM_NAME at site_url.
    """
    bounds = scale_bounds or Rating.objects.scale_bounds()
    site_url = (site_url or settings.SITE_URL).rstrip("/")
    publisher = publisher or newsroom_publisher(site_url)
    modified = max(factcheck.updated_at, factcheck.published_at)
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": site_url + factcheck.get_absolute_url(),
        "claimReviewed": short_claim(factcheck.claim.text),
        "datePublished": _timestamp(factcheck.published_at),
        "dateModified": _timestamp(modified),
        "inLanguage": factcheck.language,
        "headline": factcheck.headline,
        "author": {"@type": "Organization", **publisher},
        "itemReviewed": _item_reviewed(factcheck, appearances),
        "reviewRating": _review_rating(factcheck.rating, factcheck.language, bounds),
    }
    translation = factcheck.published_translation_url()
    if translation:
        # Neither is the original: each names the other as its translation.
        review["workTranslation"] = {
            "@type": "ClaimReview",
            "url": site_url + translation,
            "inLanguage": factcheck.translation_language,
        }
    return review


def claim_review_json(
    factcheck: FactCheck,
    *,
    site_url: str | None = None,
    publisher: dict | None = None,
    scale_bounds: tuple[int | None, int | None] | None = None,
) -> SafeString:
    """The ClaimReview as text to put between <script type="application/ld+json">
    tags as it is: nothing in it can close the element, whatever the claim says."""
    data = claim_review(
        factcheck, site_url=site_url, publisher=publisher, scale_bounds=scale_bounds
    )
    text = json.dumps(data, ensure_ascii=False, indent=2).translate(SCRIPT_UNSAFE)
    return mark_safe(text)  # noqa: S308 - every character that matters is escaped
