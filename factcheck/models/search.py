"""The languages the desk writes in, and how their texts are searched.

Arabic spellings folded before stemming, one search vector per row in the row's own
language, the query a reader's words make, and the longest texts a vector can hold.
The one search itself (which claims match, in what order) is Claim's and
FactCheck's QuerySet `search()`, built on these.
"""

import re

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Coalesce, Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    ARABIC = "ar", _("Arabic")
    ENGLISH = "en", _("English")


# The PostgreSQL text-search configuration for each language the desk writes in.
SEARCH_CONFIGS = {Language.ARABIC: "arabic", Language.ENGLISH: "english"}


def fold_arabic(expression):
    """Spellings Arabic writers use interchangeably, made one before stemming.

    PostgreSQL's Arabic stemmer already unifies the hamza forms of alef and drops
    diacritics and tatweel, but treats final ى/ي and ة/ه as different letters, so
    "الجنائيه" would miss "الجنائية". `fold_arabic_query` applies the same folding
    to what a reader types.
    """
    text = models.TextField()
    dotless_ya = models.Func(
        expression,
        models.Value("ى"),
        models.Value("ي"),
        function="translate",
        output_field=text,
    )
    return models.Func(
        dotless_ya,
        models.Value("ه\\M"),
        models.Value("ة"),
        models.Value("g"),
        function="regexp_replace",
        output_field=text,
    )


FINAL_HA = re.compile(r"ه\b")


def fold_arabic_query(text: str) -> str:
    return FINAL_HA.sub("ة", text.replace("ى", "ي"))


def language_search_vector(*weighted_fields: tuple[str, str]):
    """A tsvector built with the row's own language: Arabic stems as Arabic.

    Each branch names its configuration as a literal so the expression stays
    immutable, as a stored generated column requires.
    """

    def vector(config, fold):
        parts = [
            SearchVector(fold(models.F(f)), config=config, weight=w)
            for f, w in weighted_fields
        ]
        combined = parts[0]
        for part in parts[1:]:
            combined = combined + part
        return combined

    return models.Case(
        models.When(language=Language.ARABIC, then=vector("arabic", fold_arabic)),
        default=vector("english", lambda field: field),
        output_field=SearchVectorField(),
    )


# The longest texts that feed a search vector, in characters. PostgreSQL refuses a
# tsvector whose distinct words take more than 1 MB ("string is too long for
# tsvector"), and one character can become at most 8 bytes of it (a four-byte
# letter, indexed once in a hyphenated word and again in its part). A fact-check's
# vector holds its headline (200), summary and body: 125,200 characters, under
# 1 MB whatever is written. The README's API section lists them.
CLAIM_MAX_LENGTH = 10_000
SUMMARY_MAX_LENGTH = 5_000
BODY_MAX_LENGTH = 120_000


def searchable_length(limit: int) -> MaxLengthValidator:
    return MaxLengthValidator(
        limit,
        message=_(
            "This text can be at most %(limit_value)d characters long, so that "
            "search can index all of it (it has %(show_value)d)."
        ),
    )


def length_constraint(
    model_name: str, field: str, limit: int
) -> models.CheckConstraint:
    """The same limit at the database, whatever wrote the row."""
    return models.CheckConstraint(
        condition=LessThanOrEqual(Length(field), limit),
        name=f"{model_name}_{field}_max_length",
    )


def search_query(text: str) -> SearchQuery:
    """A reader's words as a query that matches Arabic and English rows alike."""
    return words_query(*query_words(text))


def query_words(text: str) -> tuple[str, str]:
    """The reader's words as the Arabic and the English half of the query take
    them (see search_query)."""
    return fold_arabic_query(text), text


# Stands for a reader's words in a statement compiled once (the newest matches,
# a search of words alone): private-use characters, which no text has, and a
# final ى, which the Arabic half of a query folds (ى → ي) and the English half
# keeps, so that each half's parameters can be told apart.
WORDS = "\ue000words\ue001ى"


def with_words(params: tuple, text: str) -> tuple:
    """The parameters of a statement compiled with WORDS, with `text`'s halves
    where WORDS's stood."""
    words = dict(zip(query_words(WORDS), query_words(text), strict=True))
    return tuple(words.get(p, p) if isinstance(p, str) else p for p in params)


def words_query(arabic: str, english: str) -> SearchQuery:
    return SearchQuery(arabic, config="arabic", search_type="websearch") | SearchQuery(
        english, config="english", search_type="websearch"
    )


def search_rank(query: SearchQuery, *, claim: str, factcheck: str):
    """How well a claim and its fact-check match, the same from either side: the
    claim's text plus the fact-check's headline and summary (FactCheck's
    `headline_search` says why not the body). A claim with no draft yet ranks by
    its text alone."""
    return SearchRank(models.F(claim), query) + Coalesce(
        SearchRank(models.F(factcheck), query), models.Value(0.0)
    )


def ranked(queryset: models.QuerySet, rank) -> models.QuerySet:
    """Best match first; ties keep the order the caller's QuerySet had."""
    then = queryset.query.order_by or queryset.model._meta.ordering
    return queryset.annotate(rank=rank).order_by("-rank", *then)
