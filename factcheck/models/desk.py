"""The desk: where claims come from, the claims, their evidence and verdicts.

Reads live here as QuerySet methods (`FactCheck.objects.published()`,
`Claim.objects.queue()`) so the joins they need cannot be forgotten by a caller.
Writes that carry an editorial rule live in `factcheck/services/`.
"""

import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Count, Max, Min, Prefetch, Q
from django.db.models.functions import Coalesce, Length, Now
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _

from factcheck.fields import (
    FORBIDDEN_CHARS_SQL,
    ArticleURLField,
    CleanCharField,
    CleanTextField,
    HttpURLField,
)


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
    return SearchQuery(
        fold_arabic_query(text), config="arabic", search_type="websearch"
    ) | SearchQuery(text, config="english", search_type="websearch")


# The desk's one search. The site, the public API, the newsroom API and the admin
# queue all call Claim.objects.search() or FactCheck.objects.search(), which find
# and rank a claim and its fact-check as one: the same words find the same rows, in
# the same order, through every door.


def matched_claims(query: SearchQuery) -> models.QuerySet:
    """Ids of the claims a search finds: by the claim as it was made, or by its
    fact-check's headline, summary or body.

    Each side is found through its own GIN index and the two sets of ids are
    united; an OR across the join would test every row's vectors instead.
    """
    return (
        Claim.objects.filter(search=query)
        .order_by()
        .values("pk")
        .union(FactCheck.objects.filter(search=query).order_by().values("claim_id"))
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


def clean_text_constraint(
    model_name: str, *fields: str
) -> list[models.CheckConstraint]:
    """Refuse bidi control characters at the database, whatever wrote the row."""
    return [
        models.CheckConstraint(
            condition=~Q(**{f"{field}__regex": FORBIDDEN_CHARS_SQL}),
            name=f"{model_name}_{field}_no_bidi_controls",
        )
        for field in fields
    ]


class Outlet(models.Model):
    name = CleanCharField(_("name"), max_length=200)
    name_ar = CleanCharField(
        _("name in Arabic"),
        max_length=200,
        blank=True,
        help_text=_("Shown on Arabic pages; leave empty if the outlet has none."),
    )
    domain = CleanCharField(_("domain"), max_length=253, unique=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)

    class Meta:
        verbose_name = _("outlet")
        verbose_name_plural = _("outlets")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(domain=models.functions.Lower("domain")),
                name="outlet_domain_lowercase",
            ),
            *clean_text_constraint("outlet", "name", "name_ar"),
        ]

    def __str__(self) -> str:
        return self.name

    def name_in(self, language: str) -> str:
        """The outlet's name as a page in `language` shows it."""
        if language == Language.ARABIC and self.name_ar:
            return self.name_ar
        return self.name


class Article(models.Model):
    url = ArticleURLField(_("link"), unique=True)
    outlet = models.ForeignKey(
        Outlet, models.PROTECT, related_name="articles", verbose_name=_("outlet")
    )
    title = CleanCharField(_("title"), max_length=500)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    text = CleanTextField(_("text"), blank=True)
    created_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("added")
    )

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(url__regex=r"^https?://"), name="article_url_http"
            ),
            *clean_text_constraint("article", "url", "title", "text"),
        ]

    def __str__(self) -> str:
        return self.title


class ClaimantKind(models.TextChoices):
    # ClaimReview's claim author is a schema.org Person or Organization.
    PERSON = "person", _("Person")
    ORGANIZATION = "organization", _("Organisation")


class Claimant(models.Model):
    name = CleanCharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"),
        max_length=12,
        choices=ClaimantKind.choices,
        default=ClaimantKind.PERSON,
    )
    role = CleanCharField(_("role"), max_length=200, blank=True)
    same_as = HttpURLField(
        _("reference link"),
        blank=True,
        help_text=_("Wikipedia, Wikidata or official page identifying the claimant."),
    )
    slug = models.SlugField(
        max_length=120, unique=True, allow_unicode=True, verbose_name=_("address name")
    )

    class Meta:
        verbose_name = _("claimant")
        verbose_name_plural = _("claimants")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ClaimantKind.values), name="claimant_kind_valid"
            ),
            *clean_text_constraint("claimant", "name", "role"),
        ]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    """A topic: one record for both languages, so its page lists the fact-checks
    of both, each named in the reader's language."""

    name_en = CleanCharField(_("name (English)"), max_length=80, blank=True)
    name_ar = CleanCharField(_("name (Arabic)"), max_length=80, blank=True)
    slug = models.SlugField(
        max_length=80, unique=True, allow_unicode=True, verbose_name=_("address name")
    )

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name_en", "name_ar"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name_en="") | ~Q(name_ar=""), name="tag_has_a_name"
            ),
            models.UniqueConstraint(
                fields=["name_en"], condition=~Q(name_en=""), name="tag_name_en_unique"
            ),
            models.UniqueConstraint(
                fields=["name_ar"], condition=~Q(name_ar=""), name="tag_name_ar_unique"
            ),
            *clean_text_constraint("tag", "name_en", "name_ar"),
        ]

    def __str__(self) -> str:
        return self.name

    def name_in(self, language: str) -> str:
        """The topic's name in `language`, or in the other one if it has none."""
        if language == Language.ARABIC:
            return self.name_ar or self.name_en
        return self.name_en or self.name_ar

    @property
    def name(self) -> str:
        """The name in the language the page or the admin is shown in."""
        return self.name_in(get_language())


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    IN_RESEARCH = "in_research", _("In research")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    RETRACTED = "retracted", _("Retracted")
    DISMISSED = "dismissed", _("Dismissed")


# The editorial workflow, written once: for each status, the statuses a claim may
# move to and the permission that move needs. Every caller (admin, API, tasks,
# commands) moves a claim only along these edges, through services.transition().
TRIAGE = "factcheck.triage_claim"
RESEARCH = "factcheck.research_claim"
APPROVE = "factcheck.approve_factcheck"
PUBLISH = "factcheck.publish_factcheck"
RETRACT = "factcheck.retract_factcheck"
CORRECT = "factcheck.correct_factcheck"

TRANSITIONS: dict[str, dict[str, str]] = {
    Status.SUBMITTED: {Status.ACCEPTED: TRIAGE, Status.DISMISSED: TRIAGE},
    Status.ACCEPTED: {Status.IN_RESEARCH: RESEARCH, Status.DISMISSED: TRIAGE},
    Status.IN_RESEARCH: {Status.IN_REVIEW: RESEARCH},
    # Back to research is the editor's "changes requested".
    Status.IN_REVIEW: {Status.APPROVED: APPROVE, Status.IN_RESEARCH: APPROVE},
    Status.APPROVED: {Status.PUBLISHED: PUBLISH, Status.IN_RESEARCH: APPROVE},
    Status.PUBLISHED: {Status.RETRACTED: RETRACT},
    Status.RETRACTED: {},
    Status.DISMISSED: {},
}

# Moves that must say why, because the note is what the next person reads
# (or, for a retraction, what the public reads).
NOTE_REQUIRED = {
    (Status.SUBMITTED, Status.DISMISSED),
    (Status.ACCEPTED, Status.DISMISSED),
    (Status.IN_REVIEW, Status.IN_RESEARCH),
    (Status.APPROVED, Status.IN_RESEARCH),
    (Status.PUBLISHED, Status.RETRACTED),
}

# Claims an editor still has to act on; the queue shows these first.
OPEN_STATUSES = (
    Status.SUBMITTED,
    Status.ACCEPTED,
    Status.IN_RESEARCH,
    Status.IN_REVIEW,
    Status.APPROVED,
)


class Priority(models.IntegerChoices):
    LOW = 0, _("Low")
    NORMAL = 1, _("Normal")
    HIGH = 2, _("High")
    URGENT = 3, _("Urgent")


def closed_last():
    """0 for open work, 1 for closed claims: the queue's first sort key. One
    expression for the queue's ORDER BY and the index that serves it, which
    PostgreSQL uses only when the two are the same."""
    return models.Case(
        models.When(status__in=OPEN_STATUSES, then=models.Value(0)),
        default=models.Value(1),
        output_field=models.IntegerField(),
    )


class ClaimQuerySet(models.QuerySet):
    def queue(self):
        """The editor's queue: open work first, then by priority, then oldest."""
        return (
            self.select_related("claimant", "assignee")
            .annotate(
                is_closed=closed_last(),
                source_count=Coalesce(
                    models.Subquery(
                        Source.objects.filter(claim=models.OuterRef("pk"))
                        .order_by()
                        .values("claim")
                        .annotate(n=Count("pk"))
                        .values("n")[:1]
                    ),
                    0,
                ),
            )
            .order_by("is_closed", "-priority", "created_at", "pk")
        )

    def search(self, text: str):
        """Claims found by the desk's one search (see matched_claims), best first."""
        query = search_query(text)
        return ranked(
            self.filter(pk__in=matched_claims(query)),
            search_rank(query, claim="search", factcheck="factcheck__headline_search"),
        )

    def similar_to(self, claim: "Claim", limit: int = 5):
        """Earlier claims sharing words with this one, best match first.

        The claim's own stemmed lexemes, OR-ed, are the query, so an Arabic claim
        finds Arabic claims worded differently but about the same thing. Lexemes of
        one or two letters are left out: PostgreSQL's Arabic configuration has no
        stop-word list, and "في" or "من" would make every claim similar.
        """
        query = models.expressions.RawSQL(
            "(SELECT to_tsquery('simple', string_agg(quote_literal(lexeme), ' | '))"
            " FROM factcheck_claim c, unnest(tsvector_to_array(c.search)) lexeme"
            " WHERE c.id = %s AND char_length(lexeme) > 2)",
            (claim.pk,),
            output_field=SearchVectorField(),
        )
        return (
            self.exclude(pk=claim.pk)
            .annotate(rank=SearchRank(models.F("search"), query))
            .filter(rank__gt=0)
            .select_related("claimant")
            .order_by("-rank", "-created_at")[:limit]
        )

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)


class Claim(models.Model):
    text = CleanTextField(
        _("claim as stated"),
        max_length=CLAIM_MAX_LENGTH,
        validators=[searchable_length(CLAIM_MAX_LENGTH)],
    )
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    claimant = models.ForeignKey(
        Claimant,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
        verbose_name=_("claimant"),
    )
    claimed_on = models.DateField(_("date made"), null=True, blank=True)
    tags = models.ManyToManyField(
        Tag, blank=True, related_name="claims", verbose_name=_("topics")
    )
    priority = models.SmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_claims",
        verbose_name=_("assignee"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    # Where a reader's submission said they saw it, and how to reach them; internal.
    submitted_context = CleanTextField(_("where it was seen"), blank=True)
    submitter_contact = CleanCharField(
        _("submitter contact"), max_length=254, blank=True
    )
    created_at = models.DateTimeField(
        _("received"), default=timezone.now, editable=False
    )
    status_changed_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("status changed")
    )
    # Optimistic concurrency: every write bumps it; a stale copy's write is refused.
    version = models.PositiveIntegerField(
        default=1, editable=False, verbose_name=_("version")
    )
    search = models.GeneratedField(
        expression=language_search_vector(("text", "A")),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = ClaimQuerySet.as_manager()

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-created_at"]
        permissions = [
            ("triage_claim", "Can accept, dismiss, prioritise and assign claims"),
            ("research_claim", "Can research claims and submit drafts for review"),
        ]
        indexes = [
            GinIndex(fields=["search"], name="claim_search_gin"),
            # The queue's order, read straight off the index: open work first.
            models.Index(
                closed_last(),
                models.F("priority").desc(),
                models.F("created_at"),
                models.F("id"),
                name="claim_queue_order_idx",
            ),
            # Its most used filters.
            models.Index(
                fields=["status", "-priority", "created_at"], name="claim_queue_idx"
            ),
            models.Index(fields=["assignee", "status"], name="claim_assignee_idx"),
            # Which claimants have something published (filters, sitemap, API).
            models.Index(fields=["claimant", "status"], name="claim_claimant_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="claim_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(language__in=Language.values), name="claim_language_valid"
            ),
            models.CheckConstraint(
                condition=Q(priority__gte=0, priority__lte=3),
                name="claim_priority_range",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="claim_text_not_empty"),
            *clean_text_constraint(
                "claim", "text", "submitted_context", "submitter_contact"
            ),
            length_constraint("claim", "text", CLAIM_MAX_LENGTH),
        ]

    def __str__(self) -> str:
        return self.text if len(self.text) <= 80 else self.text[:79] + "…"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Appearance(models.Model):
    """Where a claim was made or repeated: an article and the words used there."""

    claim = models.ForeignKey(
        Claim, models.CASCADE, related_name="appearances", verbose_name=_("claim")
    )
    article = models.ForeignKey(
        Article, models.PROTECT, related_name="appearances", verbose_name=_("article")
    )
    quote = CleanTextField(_("verbatim quote"), blank=True)
    is_first = models.BooleanField(_("first appearance"), default=False)

    class Meta:
        verbose_name = _("appearance")
        verbose_name_plural = _("appearances")
        ordering = ["-is_first", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim"],
                condition=Q(is_first=True),
                name="one_first_appearance_per_claim",
            ),
            models.UniqueConstraint(
                fields=["claim", "article"], name="one_appearance_per_article"
            ),
            *clean_text_constraint("appearance", "quote"),
        ]

    def __str__(self) -> str:
        return str(self.article)


class SourceKind(models.TextChoices):
    PRIMARY = "primary", _("Primary document")
    OFFICIAL_DATA = "official_data", _("Official data")
    STATEMENT = "statement", _("Statement")
    NEWS = "news", _("News report")
    EXPERT = "expert", _("Expert")
    OTHER = "other", _("Other")


class Stance(models.TextChoices):
    SUPPORTS = "supports", _("Supports the claim")
    REFUTES = "refutes", _("Refutes the claim")
    CONTEXT = "context", _("Gives context")


class LinkStatus(models.TextChoices):
    PENDING = "pending", _("Not archived yet")
    ARCHIVED = "archived", _("Archived")
    CHANGED = "changed", _("Changed since archived")
    GONE = "gone", _("No longer online")
    FAILED = "failed", _("Could not be archived")


class SourceQuerySet(models.QuerySet):
    def needing_link_check(self, *, checked_before):
        """Sources of published fact-checks not checked since `checked_before`,
        with no archive job already open for them."""
        from factcheck.models.jobs import OPEN_JOB_STATES, ArchiveJob

        open_job = ArchiveJob.objects.filter(
            source=models.OuterRef("pk"), state__in=OPEN_JOB_STATES
        )
        return (
            self.filter(claim__status=Status.PUBLISHED, archived_at__isnull=False)
            .filter(Q(checked_at__isnull=True) | Q(checked_at__lt=checked_before))
            .exclude(models.Exists(open_job))
            .order_by(models.F("checked_at").asc(nulls_first=True), "pk")
        )


class Source(models.Model):
    claim = models.ForeignKey(
        Claim, models.CASCADE, related_name="sources", verbose_name=_("claim")
    )
    url = HttpURLField(_("link"))
    title = CleanCharField(_("title"), max_length=500)
    publisher = CleanCharField(_("publisher"), max_length=200, blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=SourceKind.choices, default=SourceKind.OTHER
    )
    excerpt = CleanTextField(_("excerpt relied on"), blank=True)
    stance = models.CharField(
        _("stance"), max_length=10, choices=Stance.choices, default=Stance.CONTEXT
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("added")
    )
    # Kept up to date by the archive jobs (services.run_archive_job), so the public
    # page and the admin filter read them without joining the archives.
    link_status = models.CharField(
        _("link"),
        max_length=10,
        choices=LinkStatus.choices,
        default=LinkStatus.PENDING,
        editable=False,
    )
    link_status_since = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("link status since")
    )
    archived_at = models.DateTimeField(
        _("archived"), null=True, blank=True, editable=False
    )
    checked_at = models.DateTimeField(
        _("link last checked"), null=True, blank=True, editable=False
    )

    objects = SourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["pk"]
        indexes = [models.Index(fields=["link_status"], name="source_link_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=SourceKind.values), name="source_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(link_status__in=LinkStatus.values),
                name="source_link_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(stance__in=Stance.values), name="source_stance_valid"
            ),
            models.CheckConstraint(
                condition=Q(url__regex=r"^https?://"),
                name="source_url_http",
            ),
            *clean_text_constraint("source", "url", "title", "publisher", "excerpt"),
        ]

    def __str__(self) -> str:
        return self.title


class RatingQuerySet(models.QuerySet):
    def scale_bounds(self) -> tuple[int | None, int | None]:
        """(worst, best): the lowest and highest value of the scale, as ClaimReview
        states them, read from the data because administrators edit the scale."""
        bounds = self.aggregate(worst=Min("value"), best=Max("value"))
        return bounds["worst"], bounds["best"]


class Rating(models.Model):
    """One step of the published rating scale.

    `value` is the number ClaimReview carries (worst = lowest); the README documents
    the number-to-label mapping of the demo scale.
    """

    value = models.PositiveSmallIntegerField(_("numeric value"), unique=True)
    slug = models.SlugField(max_length=40, unique=True, verbose_name=_("address name"))
    label_en = CleanCharField(_("label (English)"), max_length=60)
    label_ar = CleanCharField(_("label (Arabic)"), max_length=60)
    definition_en = CleanTextField(_("definition (English)"))
    definition_ar = CleanTextField(_("definition (Arabic)"))
    colour = models.CharField(
        _("colour"), max_length=7, help_text=_("Badge background, as #rrggbb.")
    )

    objects = RatingQuerySet.as_manager()

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["value"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=1), name="rating_value_at_least_one"
            ),
            models.CheckConstraint(
                condition=Q(colour__regex=r"^#[0-9a-fA-F]{6}$"),
                name="rating_colour_hex",
            ),
            models.CheckConstraint(
                condition=~Q(label_en="") & ~Q(label_ar=""),
                name="rating_labels_in_both_languages",
            ),
            *clean_text_constraint(
                "rating", "label_en", "label_ar", "definition_en", "definition_ar"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.value} · {self.label_en} / {self.label_ar}"

    def label(self, language: str) -> str:
        return self.label_ar if language == Language.ARABIC else self.label_en

    def definition(self, language: str) -> str:
        return self.definition_ar if language == Language.ARABIC else self.definition_en


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
        return (
            self.published()
            .with_published_translation()
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
        """Fact-checks found by the desk's one search (see matched_claims), best
        first."""
        query = search_query(text)
        return ranked(
            self.filter(claim_id__in=matched_claims(query)),
            search_rank(query, claim="claim__search", factcheck="headline_search"),
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


class EventKind(models.TextChoices):
    CREATE = "create", _("Created")
    TRANSITION = "transition", _("Status change")
    EDIT = "edit", _("Edit")
    ASSIGN = "assign", _("Assignment")
    CORRECTION = "correction", _("Correction")
    DELETE = "delete", _("Removed")
    REVOKE = "revoke", _("Revoked")
    REARCHIVE = "rearchive", _("Re-archive asked for")
    REDELIVER = "redeliver", _("Sent again")


class EventQuerySet(models.QuerySet):
    def about(self, subject: models.Model):
        """The history of one thing: its own writes, not its claim's."""
        return self.filter(
            subject_type=ContentType.objects.get_for_model(subject),
            subject_id=subject.pk,
        )


class Event(models.Model):
    """One row for every workflow transition and every other write by a person:
    who, what, when, and the values the write replaced (`data["previous"]`).

    Everything a claim's page shows (the claim, its draft, appearances and
    sources) is recorded with the claim, so the claim's history tells the whole
    story; `subject` names the thing written when it is not the claim itself.
    Writes to reference data, API keys and deliveries have a subject and no claim.
    """

    claim = models.ForeignKey(
        Claim,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("claim"),
    )
    # No foreign key can point at "any model"; the name is kept as it was when
    # written, so the history still reads after the subject is deleted.
    subject_type = models.ForeignKey(
        ContentType,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kind of record"),
    )
    subject_id = models.PositiveBigIntegerField(
        null=True, blank=True, verbose_name=_("record number")
    )
    subject = GenericForeignKey("subject_type", "subject_id")
    subject_name = CleanCharField(_("record"), max_length=200, blank=True)
    kind = models.CharField(
        max_length=20, choices=EventKind.choices, verbose_name=_("what")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    from_status = models.CharField(
        max_length=20, choices=Status.choices, blank=True, verbose_name=_("from")
    )
    to_status = models.CharField(
        max_length=20, choices=Status.choices, blank=True, verbose_name=_("to")
    )
    note = CleanTextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True, verbose_name=_("details"))
    created_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("when")
    )

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("history entry")
        verbose_name_plural = _("history entries")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["claim", "-created_at"], name="event_claim_idx"),
            models.Index(
                fields=["subject_type", "subject_id", "-created_at"],
                condition=Q(subject_type__isnull=False),
                name="event_subject_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=EventKind.TRANSITION)
                | (~Q(from_status="") & ~Q(to_status="") & Q(claim__isnull=False)),
                name="transition_event_has_statuses",
            ),
            models.CheckConstraint(
                condition=Q(claim__isnull=False)
                | Q(subject_type__isnull=False, subject_id__isnull=False),
                name="event_is_about_something",
            ),
            models.CheckConstraint(
                condition=Q(subject_type__isnull=True, subject_id__isnull=True)
                | Q(subject_type__isnull=False, subject_id__isnull=False),
                name="event_subject_complete",
            ),
            *clean_text_constraint("event", "note", "subject_name"),
        ]

    def __str__(self) -> str:
        actor = self.actor or _("the desk")
        if self.kind == EventKind.TRANSITION:
            moved = f"{self.get_from_status_display()} → {self.get_to_status_display()}"
            return f"{actor}: {moved}"
        return f"{actor}: {self.get_kind_display()}"


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    """A newsroom system's key to the API, acting as one user with that user's role.

    Only a SHA-256 of the key is stored: the key is shown once, when it is issued.
    The key is 32 random bytes, so a fast hash is enough; nothing to brute-force.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("account"),
    )
    name = CleanCharField(
        _("name"), max_length=100, help_text=_("What uses it, e.g. “CMS importer”.")
    )
    prefix = models.CharField(_("key starts with"), max_length=8, editable=False)
    key_hash = models.CharField(
        max_length=64, unique=True, editable=False, verbose_name=_("key hash")
    )
    created_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("issued")
    )
    last_used_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("last used")
    )
    revoked_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("revoked")
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name_plural = _("API tokens")
        verbose_name = _("API token")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(key_hash__regex=r"^[0-9a-f]{64}$"),
                name="api_token_hash_is_sha256",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


def byline(user) -> str:
    """How a colleague is named in public (the page, the API, anything a reader
    sees): their full name, never their login, which is half of what signs them in.
    """
    if user is None:
        return ""
    return user.get_full_name() or str(_("a member of the desk"))


def with_tag(queryset: models.QuerySet, slug: str, *, claim: str = "claim_id"):
    """The rows of `queryset` whose claim carries the tag `slug`: the one tag filter
    of the site, the API and the queue. `claim` names the field holding the claim's
    id ("pk" for claims themselves).

    An EXISTS rather than a join on the tags, so no row comes back twice and the
    filter adds nothing to what the rest of the query joins.
    """
    tagged = Claim.tags.through.objects.filter(
        claim_id=models.OuterRef(claim), tag__slug=slug
    )
    return queryset.filter(models.Exists(tagged))


def having_published_factchecks(queryset: models.QuerySet, link: str):
    """The claimants or tags at least one published fact-check points to (`link`
    is the path from a fact-check, e.g. "claim__claimant"). Anything else has no
    public page, filter choice, sitemap entry or API listing."""
    published = FactCheck.objects.published().filter(**{link: models.OuterRef("pk")})
    return queryset.filter(models.Exists(published))
