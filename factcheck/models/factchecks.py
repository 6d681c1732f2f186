"""Fact-checks (the verdict and its reasoning) and their public corrections.

`FactCheck.objects.published()` is the one door to what readers may see.
"""

import functools

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Prefetch, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from factcheck.fields import CleanCharField, CleanTextField, clean_text_constraint
from factcheck.models.claims import Appearance, Claim
from factcheck.models.reference import Rating
from factcheck.models.search import (
    BODY_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    WORDS,
    Language,
    language_search_vector,
    length_constraint,
    ranked,
    search_query,
    search_rank,
    searchable_length,
    with_words,
)
from factcheck.models.workflow import Status

# The most fact-checks a search ranks and counts: the newest that match. A page
# that reaches it says "500 or more" and asks for more words.
SEARCH_LIMIT = 500


class FactCheckQuerySet(models.QuerySet):
    def published(self):
        """What readers may see: fact-checks whose claim is published, nothing else."""
        return (
            self.filter(claim__status=Status.PUBLISHED, published_at__lte=Now())
            .select_related("claim__claimant", "rating")
            # The search vectors are for the database's index, not for display: a
            # long body's is several kilobytes per row to send and decode.
            .defer("search", "headline_search", "claim__search")
        )

    def with_published_translation(self):
        """Each fact-check with its translation's slug and language, when the
        translation is published too (None otherwise): the one read behind the
        switcher, the alternates, the sitemap, the API and ClaimReview, so an
        unpublished translation is revealed by none of them."""
        published = FactCheck.objects.published().filter(
            pk=models.OuterRef("translation_id")
        )
        return self.annotate(
            translation_slug=models.Subquery(published.values("slug")[:1]),
            translation_language=models.Subquery(published.values("language")[:1]),
        )

    def for_claimreview(self):
        """Published fact-checks with what their ClaimReview says and nothing more
        (no body, sources or corrections; the DataFeed reads the appearances of
        all of them in one query of its own): the DataFeed lists every one."""
        return self.published().with_published_translation().defer("body", "summary")

    def for_page(self):
        """Published fact-checks with everything their public page shows, fetched
        in a fixed number of queries however many sources, appearances, corrections,
        authors or tags each has."""
        return self.published().with_page_parts()

    def with_page_parts(self):
        """What a fact-check's page shows, published or not yet: the services
        render a page in the transaction that publishes it (factcheck/pages.py)."""
        return (
            self.with_published_translation()
            .select_related("claim__claimant", "rating", "approved_by")
            .prefetch_related(
                Prefetch(
                    "claim__appearances",
                    queryset=Appearance.objects.select_related("article__outlet"),
                ),
                "claim__sources",
                Prefetch(
                    "corrections",
                    queryset=Correction.objects.order_by("-created_at", "-pk"),
                ),
                Prefetch(
                    "authors",
                    queryset=get_user_model().objects.order_by(
                        "first_name", "last_name", "pk"
                    ),
                ),
                "claim__tags",
            )
        )

    def search(self, text: str):
        """Fact-checks found by the desk's one search, drafts included: by a word
        of the claim's text or of the headline, summary or body; best first."""
        query = search_query(text)
        return ranked(
            self.filter(pk__in=SearchDocument.objects.matching(query)),
            search_rank(query, claim="claim__search", factcheck="headline_search"),
        )

    def public_search(self, text: str):
        """The same search over what is published, for the site and the public
        API: the SEARCH_LIMIT newest published matches, best first.

        Ranking only those makes a word found in thousands of fact-checks cost no
        more than a rare one; a search with fewer matches is ranked in full. The
        newest are found in SearchDocument's narrow rows, then this QuerySet's own
        filters (and `published()`) apply to them.
        """
        query = search_query(text)
        newest = SearchDocument.objects.newest_matching(text, SEARCH_LIMIT)
        return ranked(
            self.published().filter(pk__in=newest),
            search_rank(query, claim="claim__search", factcheck="headline_search"),
        )


class DocumentWords(models.Func):
    """A search document's vector as its GIN indexes hold it (migration 0025).

    The same vector, through a function whose declared cost is what testing a
    row really costs: reading its vector out of line. PostgreSQL otherwise
    prices `@@` like comparing two numbers, and for a word in most fact-checks
    preferred reading every row's vectors (150 ms at 20,000 published) to its
    GIN index, whose matches need no vector read (10,000 of them in 5 ms).
    Only these expressions are indexed, so matching goes through them.
    """

    function = "factcheck_searchdocument_words"
    output_field = SearchVectorField()


class SearchDocumentQuerySet(models.QuerySet):
    """Each vector of a document is looked up in its own index, and what the two
    find is put together after: written as one `a OR b`, PostgreSQL prices the
    pair as if every row matched one or the other, and for a common word read
    every row's vectors instead."""

    VECTORS = ("claim_search", "factcheck_search")

    def matched_by(self, vector: str, query):
        return self.alias(words=DocumentWords(vector)).filter(words=query)

    def matching(self, query):
        """Ids of the fact-checks whose claim's text or own texts match."""
        ids = [self.matched_by(v, query).values("factcheck_id") for v in self.VECTORS]
        return ids[0].union(ids[1])

    def newest_matching(self, text: str, limit: int) -> RawSQL:
        """Ids of the `limit` newest published fact-checks that match `text`: the
        newest `limit` by each vector (a top-N sort of what its index found,
        reading no vector), then the newest of those. Raw SQL only for the
        last step: Django cannot order a UNION by a column it does not return.
        The statement is compiled once per process (_newest_statement)."""
        sql, params = _newest_statement(limit)
        return RawSQL(sql, (*with_words(params, text), limit))  # noqa: S611


@functools.cache
def _newest_statement(limit: int) -> tuple[str, tuple]:
    """newest_matching()'s SQL, built by the ORM once per process: building and
    compiling its two branches on every search cost more than running them.
    Only the reader's words change (see WORDS)."""
    query = search_query(WORDS)
    branches = [
        SearchDocument.objects.filter(published_at__lte=Now())
        .matched_by(vector, query)
        .order_by("-published_at", "-factcheck_id")
        .values_list("factcheck_id", "published_at")[:limit]
        .query.sql_with_params()
        for vector in SearchDocumentQuerySet.VECTORS
    ]
    (first, first_params), (second, second_params) = branches
    # Both branches are SQL that Django compiled, every value a parameter; the
    # last, the limit, is newest_matching()'s.
    union = f"({first}) UNION ({second})"
    return (
        f"SELECT factcheck_id FROM ({union}) newest "  # noqa: S608
        "ORDER BY published_at DESC, factcheck_id DESC LIMIT %s",
        (*first_params, *second_params),
    )


class FactCheck(models.Model):
    """The publishable review of one claim: its verdict and the reasoning behind it."""

    claim = models.OneToOneField(
        Claim, models.PROTECT, related_name="factcheck", verbose_name=_("claim")
    )
    headline = CleanCharField(_("headline"), max_length=200, blank=True)
    summary = CleanTextField(
        _("summary"),
        blank=True,
        max_length=SUMMARY_MAX_LENGTH,
        validators=[searchable_length(SUMMARY_MAX_LENGTH)],
        help_text=_("The conclusion, in two or three sentences."),
    )
    body = CleanTextField(
        _("body"),
        blank=True,
        max_length=BODY_MAX_LENGTH,
        validators=[searchable_length(BODY_MAX_LENGTH)],
        help_text=_("Markdown."),
    )
    rating = models.ForeignKey(
        Rating,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="factchecks",
        verbose_name=_("rating"),
    )
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    slug = models.SlugField(
        max_length=120, unique=True, allow_unicode=True, verbose_name=_("address name")
    )
    # The same fact-check in the other language. Both rows point at each other
    # (services.link_translation keeps them in step); shown only when both are
    # published.
    translation = models.OneToOneField(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("translation"),
        help_text=_("The same fact-check published in the other language."),
    )
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="authored_factchecks",
        verbose_name=_("authors"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="approved_factchecks",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("approved")
    )
    published_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("published")
    )
    retracted_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("retracted")
    )
    # Set by an editor on an approved fact-check (services.schedule_publication);
    # the scheduler publishes it then, acting as that editor.
    publish_at = models.DateTimeField(
        _("publish at"), null=True, blank=True, editable=False
    )
    publish_scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("publication scheduled by"),
    )
    created_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("created")
    )
    updated_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("updated")
    )
    version = models.PositiveIntegerField(
        default=1, editable=False, verbose_name=_("version")
    )
    search = models.GeneratedField(
        expression=language_search_vector(
            ("headline", "A"), ("summary", "B"), ("body", "C")
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    # What results are ranked by: the headline and the conclusion. Matching uses
    # `search`, body included; ranking reads the vector of every match, and a
    # body's is kilobytes stored out of line (a word in half the fact-checks
    # took 250 ms to rank by it at 20,000 published).
    headline_search = models.GeneratedField(
        expression=language_search_vector(("headline", "A"), ("summary", "B")),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = FactCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("fact-check")
        verbose_name_plural = _("fact-checks")
        ordering = ["-published_at", "-pk"]
        permissions = [
            ("approve_factcheck", "Can approve a draft or send it back"),
            ("publish_factcheck", "Can publish an approved fact-check"),
            ("correct_factcheck", "Can issue a public correction"),
            ("retract_factcheck", "Can retract a published fact-check"),
        ]
        indexes = [
            GinIndex(fields=["search"], name="factcheck_search_gin"),
            models.Index(fields=["-published_at"], name="factcheck_published_idx"),
            # The API's Last-Modified: the newest change to anything published.
            models.Index(fields=["-updated_at"], name="factcheck_updated_idx"),
            models.Index(
                fields=["publish_at"],
                condition=Q(publish_at__isnull=False, published_at__isnull=True),
                name="factcheck_scheduled_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(published_at__isnull=True)
                | (Q(rating__isnull=False) & ~Q(summary="") & ~Q(headline="")),
                name="published_factcheck_has_verdict",
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True)
                | (Q(approved_by__isnull=False) & Q(approved_at__isnull=False)),
                name="published_factcheck_was_approved",
            ),
            models.CheckConstraint(
                condition=Q(retracted_at__isnull=True) | Q(published_at__isnull=False),
                name="only_published_factcheck_is_retracted",
            ),
            models.CheckConstraint(
                condition=Q(publish_at__isnull=True)
                | Q(publish_scheduled_by__isnull=False),
                name="scheduled_publication_has_editor",
            ),
            models.CheckConstraint(
                condition=Q(language__in=Language.values),
                name="factcheck_language_valid",
            ),
            models.CheckConstraint(
                condition=~Q(translation=models.F("pk")),
                name="factcheck_not_its_own_translation",
            ),
            *clean_text_constraint("factcheck", "headline", "summary", "body"),
            length_constraint("factcheck", "summary", SUMMARY_MAX_LENGTH),
            length_constraint("factcheck", "body", BODY_MAX_LENGTH),
        ]

    def __str__(self) -> str:
        return self.headline or str(self.claim)

    def get_absolute_url(self) -> str:
        # A fact-check has one canonical page, under its own language's prefix,
        # whatever language the page that links to it is in.
        with override(self.language):
            return reverse("factcheck_detail", kwargs={"slug": self.slug})

    def published_translation_url(self) -> str | None:
        """The path of the published translation, read from the annotation of
        FactCheckQuerySet.with_published_translation(); None without one."""
        slug = getattr(self, "translation_slug", None)
        if not slug:
            return None
        with override(self.translation_language):
            return reverse("factcheck_detail", kwargs={"slug": slug})


class SearchDocument(models.Model):
    """What search matches a fact-check by, one narrow row each: its claim's
    vector and its own, copies of `Claim.search` and `FactCheck.search`.

    A common word is found in thousands of fact-checks, and each match is a row
    to visit; a fact-check's row is over a kilobyte (headline, summary, ranking
    vector), this one a few dozen bytes (the vectors live out of line, migration
    0021 sets `toast_tuple_target`), so a hundred of them share a page, and the
    newest published matches are sorted here without reading a fact-check.
    Triggers keep the copies (migration 0021): every write to a fact-check's
    texts, publication or retraction, or to its claim's text, whatever made it,
    updates them in the same statement.
    """

    factcheck = models.OneToOneField(
        FactCheck,
        models.CASCADE,
        primary_key=True,
        related_name="search_document",
        verbose_name=_("fact-check"),
    )
    # FactCheck.published_at while it is published, None before and once
    # retracted: the public search takes its newest matches here. Not indexed on
    # purpose: walking such an index would read each row's vectors to test them.
    published_at = models.DateTimeField(null=True, verbose_name=_("published"))
    claim_search = SearchVectorField(verbose_name=_("claim's search vector"))
    factcheck_search = SearchVectorField(verbose_name=_("fact-check's search vector"))

    objects = SearchDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        indexes = [
            GinIndex(DocumentWords("claim_search"), name="searchdoc_claim_words_gin"),
            GinIndex(
                DocumentWords("factcheck_search"), name="searchdoc_factcheck_words_gin"
            ),
        ]

    def __str__(self) -> str:
        return f"search document of fact-check {self.factcheck_id}"


class CorrectionKind(models.TextChoices):
    CORRECTION = "correction", _("Correction")
    UPDATE = "update", _("Update")
    CLARIFICATION = "clarification", _("Clarification")
    RETRACTION = "retraction", _("Retraction")


class CorrectionQuerySet(models.QuerySet):
    def public(self):
        return self.filter(
            factcheck__published_at__lte=Now(),
            factcheck__claim__status__in=(Status.PUBLISHED, Status.RETRACTED),
        ).select_related("factcheck")


class Correction(models.Model):
    """A dated public note on a published fact-check. Never edited, never deleted."""

    factcheck = models.ForeignKey(
        FactCheck,
        models.PROTECT,
        related_name="corrections",
        verbose_name=_("fact-check"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CorrectionKind.choices)
    note = CleanTextField(_("public note"))
    # What the verdict, summary or body said before, kept for the record.
    previous = models.JSONField(
        default=dict, blank=True, editable=False, verbose_name=_("what it said before")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        verbose_name=_("issued by"),
    )
    # Set by the database to the transaction's time, which is what lets the trigger
    # on factcheck_factcheck tell that a verdict change came with its correction.
    # CURRENT_TIMESTAMP, not Now(): Django's Now() is STATEMENT_TIMESTAMP() on
    # PostgreSQL, which never equals the now() the trigger compares it with.
    created_at = models.DateTimeField(
        db_default=models.Func(
            template="CURRENT_TIMESTAMP", output_field=models.DateTimeField()
        ),
        editable=False,
        verbose_name=_("issued"),
    )

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(note=""), name="correction_has_note"),
            models.CheckConstraint(
                condition=Q(kind__in=CorrectionKind.values),
                name="correction_kind_valid",
            ),
            *clean_text_constraint("correction", "note"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.note[:60]}"


def byline(user) -> str:
    """How a colleague is named in public (the page, the API, anything a reader
    sees): their full name, never their login, which is half of what signs them in.
    """
    if user is None:
        return ""
    return user.get_full_name() or str(_("a member of the desk"))


def having_published_factchecks(queryset: models.QuerySet, link: str):
    """The claimants or tags at least one published fact-check points to (`link`
    is the path from a fact-check, e.g. "claim__claimant"). Anything else has no
    public page, filter choice, sitemap entry or API listing."""
    published = FactCheck.objects.published().filter(**{link: models.OuterRef("pk")})
    return queryset.filter(models.Exists(published))
