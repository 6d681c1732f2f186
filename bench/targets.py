"""What the bench asks of each page and endpoint, in one place."""

import random
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import override

from bench.corpus import vocabularies
from factcheck.models import FactCheck


@dataclass(frozen=True)
class Addresses:
    """Paths of published pages, in a fixed shuffled order."""

    details: list[str]
    api_details: list[str]
    searches: dict[str, list[str]]
    # "Has this been checked?" asked of the public match endpoint.
    matches: list[str]


def addresses(seed: int = 7) -> Addresses:
    rng = random.Random(seed)  # noqa: S311  (a repeatable order)
    published = list(
        FactCheck.objects.published().order_by("pk").values_list("slug", "language")
    )
    rng.shuffle(published)
    details = []
    for slug, language in published:
        with override(language):
            details.append(reverse("factcheck_detail", kwargs={"slug": slug}))
    api_details = [
        reverse("public-factcheck-detail", kwargs={"slug": slug})
        for slug, _ in published
    ]
    searches = {language: [] for language in vocabularies()}
    for term, language in _search_terms(rng, 2000):
        with override(language):
            page = reverse("factcheck_list")
        searches[language].append(f"{page}?{urlencode({'q': term})}")
    return Addresses(details, api_details, searches, _match_questions(rng, 2000))


# How a reader asks about a claim they heard: in their words, not the desk's, so
# every question is embedded afresh (the embedder remembers texts it has seen).
ASKED = {"ar": "هل صحيح أن {}؟", "en": "Is it true that {}?"}


def _match_questions(rng: random.Random, n: int) -> list[str]:
    page = reverse("factcheck-match")
    claims = list(
        FactCheck.objects.published()
        .order_by("pk")
        .values_list("claim__text", "claim__language")
    )
    return [
        f"{page}?{urlencode({'text': ASKED.get(language, '{}').format(text)})}"
        for text, language in rng.sample(claims, min(n, len(claims)))
    ]


def _search_terms(rng: random.Random, n: int) -> list[tuple[str, str]]:
    """What readers type: one or two words of a story they heard about (a published
    headline), so every search finds something at any scale."""
    vocab = vocabularies()
    headlines = list(
        FactCheck.objects.published().order_by("pk").values_list("headline", "language")
    )
    terms = []
    for headline, language in rng.choices(headlines, k=n):
        common = set(vocab[language].common)
        words = [w for w in headline.rstrip(".").split() if w not in common]
        terms.append(
            (" ".join(rng.sample(words, min(len(words), rng.choice((1, 2))))), language)
        )
    return terms
