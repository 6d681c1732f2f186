"""Claim intake: articles taken in, the sentences proposed from them, and what
editors decided about each, with the scorer models that ranked them.

An intake article is its own background job (it inherits `Job`): the row that
asks for processing is the article, written with the request that submitted it,
and the sweeper resends it like any other job. Its `state` is the article's
progress (waiting, running, done, failed). The pure processing is
`factcheck.intake`; the writes are `factcheck.services.intake`.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from factcheck.fields import (
    CleanCharField,
    CleanTextField,
    HttpURLField,
    clean_text_constraint,
)
from factcheck.models.claims import Claim
from factcheck.models.jobs import Job, JobState
from factcheck.models.reference import Article, Claimant, Outlet
from factcheck.models.search import Language, length_constraint

# The longest article text intake takes, in characters: a long feature is about
# 40,000; a paste ten times that is a mistake (a whole page's source, a book),
# and processing it would hold a worker for minutes.
INTAKE_TEXT_MAX_LENGTH = 100_000


class IntakeSource(models.TextChoices):
    URL = "url", _("Link")
    TEXT = "text", _("Pasted text")
    FEED = "feed", _("Feed")


class IntakeArticle(Job):
    source = models.CharField(
        _("how it came"), max_length=4, choices=IntakeSource.choices
    )
    url = HttpURLField(_("link"), blank=True)
    # The page's own canonical link (or the link after redirects): one intake
    # article per page, however it was linked to.
    canonical_url = HttpURLField(_("canonical link"), blank=True)
    title = CleanCharField(_("title"), max_length=500, blank=True)
    author = CleanCharField(_("author"), max_length=200, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    text = CleanTextField(_("text"), max_length=INTAKE_TEXT_MAX_LENGTH)
    outlet = models.ForeignKey(
        Outlet,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="intake_articles",
        verbose_name=_("outlet"),
    )
    # The desk's Article, once a proposal of this one became a claim.
    article = models.ForeignKey(
        Article,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="intake_articles",
        verbose_name=_("article"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("updated at")
    )
    scorer_versions = CleanCharField(
        _("scored by"), max_length=200, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("intake article")
        verbose_name_plural = _("intake articles")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["state", "run_after"],
                condition=Q(state__in=("pending", "running")),
                name="intakearticle_open_idx",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["canonical_url"],
                condition=~Q(canonical_url=""),
                name="one_intake_article_per_page",
            ),
            models.CheckConstraint(
                condition=Q(state__in=JobState.values),
                name="intakearticle_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(source__in=IntakeSource.values),
                name="intakearticle_source_valid",
            ),
            models.CheckConstraint(
                condition=Q(language__in=Language.values),
                name="intakearticle_language_valid",
            ),
            models.CheckConstraint(
                condition=~Q(text=""), name="intakearticle_text_not_empty"
            ),
            # A link or a feed item has its address; pasted text may have one.
            models.CheckConstraint(
                condition=Q(source=IntakeSource.TEXT) | ~Q(url=""),
                name="intakearticle_fetched_has_url",
            ),
            length_constraint("intakearticle", "text", INTAKE_TEXT_MAX_LENGTH),
            *clean_text_constraint("intakearticle", "title", "author", "text"),
        ]

    def __str__(self) -> str:
        if self.title:
            return self.title
        first = self.text.strip().split("\n", 1)[0]
        return first if len(first) <= 80 else first[:79] + "…"


class ScorerKind(models.TextChoices):
    RULES = "rules", _("Rules")
    TRAINED = "trained", _("Trained")


class ScorerModelQuerySet(models.QuerySet):
    def current(self):
        return self.filter(is_current=True)


class ScorerModel(models.Model):
    """A check-worthiness scorer for one language, and whether it is the one
    in use.

    A trained model is kept in the database (`model`, joblib bytes) rather than
    in a file: the web and worker processes may run on different machines with
    no shared disk, a backup of the database then holds every model that scored
    a proposal, and the switch to a new model is one transaction with its
    `is_current` flag, so no worker ever loads a model that is not recorded.
    The models are small (a few megabytes).
    """

    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    version = models.CharField(_("version"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=ScorerKind.choices)
    metrics = models.JSONField(_("measures"), default=dict, blank=True)
    is_current = models.BooleanField(_("in use"), default=False)
    model = models.BinaryField(null=True, editable=False, verbose_name=_("model"))
    trained_on = models.PositiveIntegerField(_("sentences trained on"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = ScorerModelQuerySet.as_manager()

    class Meta:
        verbose_name = _("check-worthiness model")
        verbose_name_plural = _("check-worthiness models")
        ordering = ["language", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["language"],
                condition=Q(is_current=True),
                name="one_current_scorer_per_language",
            ),
            models.CheckConstraint(
                condition=Q(kind=ScorerKind.RULES, model__isnull=True)
                | Q(kind=ScorerKind.TRAINED, model__isnull=False),
                name="scorer_trained_has_model",
            ),
            models.CheckConstraint(
                condition=Q(language__in=Language.values),
                name="scorer_language_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.version


class ProposalState(models.TextChoices):
    OPEN = "open", _("Open")
    CLAIMED = "claimed", _("Made a claim")
    DISMISSED = "dismissed", _("Not check-worthy")


class ProposalQuerySet(models.QuerySet):
    def ranked(self):
        return self.select_related("claimant", "claim", "scorer", "decision").order_by(
            "-score", "position"
        )


class Proposal(models.Model):
    """A sentence of an intake article, proposed as a claim to check."""

    article = models.ForeignKey(
        IntakeArticle,
        models.CASCADE,
        related_name="proposals",
        verbose_name=_("article"),
    )
    position = models.PositiveIntegerField(_("position"))
    text = CleanTextField(_("sentence"))
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    speaker = CleanCharField(_("speaker"), max_length=300, blank=True)
    claimant = models.ForeignKey(
        Claimant,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("claimant"),
    )
    score = models.FloatField(_("check-worthiness"))
    # Codes of factcheck.intake.rules.REASON_LABELS.
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    # The closest earlier claims: [{claim, factcheck, score, language}], best
    # first; factcheck is the published fact-check's id, or null.
    matches = models.JSONField(_("already checked?"), default=list, blank=True)
    scorer = models.ForeignKey(
        ScorerModel, models.PROTECT, related_name="proposals", verbose_name=_("model")
    )
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=ProposalState.choices,
        default=ProposalState.OPEN,
    )
    claim = models.ForeignKey(
        Claim,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("claim"),
    )

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["article", "-score", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "position"], name="one_proposal_per_sentence"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=1), name="proposal_score_0_to_1"
            ),
            models.CheckConstraint(
                condition=Q(state__in=ProposalState.values),
                name="proposal_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(language__in=Language.values),
                name="proposal_language_valid",
            ),
            # A claimed proposal names its claim; an open one has none. (A
            # dismissed one has none either; SET_NULL keeps a deleted claim's
            # proposal readable, so "claimed" may have lost it.)
            models.CheckConstraint(
                condition=~Q(state=ProposalState.OPEN, claim__isnull=False)
                & ~Q(state=ProposalState.DISMISSED, claim__isnull=False),
                name="proposal_claim_only_when_claimed",
            ),
            *clean_text_constraint("proposal", "text", "speaker"),
        ]

    def __str__(self) -> str:
        return self.text if len(self.text) <= 80 else self.text[:79] + "…"


class DismissReason(models.TextChoices):
    OPINION = "opinion", _("Opinion")
    NOT_VERIFIABLE = "not_verifiable", _("Not verifiable")
    NOT_IMPORTANT = "not_important", _("Not important")
    ALREADY_CHECKED = "already_checked", _("Already checked")


class DecisionOutcome(models.TextChoices):
    CLAIM = "claim", _("Made a claim")
    DISMISSED = "dismissed", _("Not check-worthy")


# What a decision teaches the check-worthiness model: a sentence the desk made a
# claim of, or had already checked, was worth checking.
CHECK_WORTHY_OUTCOMES = Q(outcome=DecisionOutcome.CLAIM) | Q(
    reason=DismissReason.ALREADY_CHECKED
)


class ProposalDecision(models.Model):
    """What an editor decided about a proposal, with what they were shown: the
    score and the model that gave it. The training data of the next model."""

    proposal = models.OneToOneField(
        Proposal, models.CASCADE, related_name="decision", verbose_name=_("proposal")
    )
    outcome = models.CharField(
        _("decision"), max_length=10, choices=DecisionOutcome.choices
    )
    reason = models.CharField(
        _("reason"), max_length=20, choices=DismissReason.choices, blank=True
    )
    already_checked = models.ForeignKey(
        Claim,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("already checked as"),
    )
    score = models.FloatField(_("score shown"))
    scorer = models.ForeignKey(
        ScorerModel, models.PROTECT, related_name="decisions", verbose_name=_("model")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)

    class Meta:
        verbose_name = _("decision on a proposal")
        verbose_name_plural = _("decisions on proposals")
        ordering = ["-decided_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome=DecisionOutcome.CLAIM, reason="")
                | Q(
                    outcome=DecisionOutcome.DISMISSED,
                    reason__in=DismissReason.values,
                ),
                name="decision_reason_when_dismissed",
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=1),
                name="decision_score_0_to_1",
            ),
            models.CheckConstraint(
                condition=Q(reason=DismissReason.ALREADY_CHECKED)
                | Q(already_checked__isnull=True),
                name="decision_claim_only_when_already_checked",
            ),
        ]

    def __str__(self) -> str:
        return self.get_reason_display() or self.get_outcome_display()


# How often a feed may be polled, in minutes: an outlet's feed changes a few
# times an hour at most, and polling more often than every 5 minutes is rude.
FEED_INTERVAL_MIN = 5
FEED_INTERVAL_MAX = 24 * 60


class OutletFeedQuerySet(models.QuerySet):
    def due(self, now):
        return self.filter(is_active=True, next_poll_at__lte=now).order_by(
            "next_poll_at", "pk"
        )


class OutletFeed(models.Model):
    """An RSS or Atom feed of an outlet, polled by beat for new articles.

    The validators the server last sent (ETag, Last-Modified) go back with the
    next poll, so an unchanged feed costs it a 304; failures push the next
    poll further away (factcheck.services.feeds).
    """

    outlet = models.ForeignKey(
        Outlet, models.CASCADE, related_name="feeds", verbose_name=_("outlet")
    )
    url = HttpURLField(_("feed link"), unique=True)
    interval = models.PositiveIntegerField(
        _("poll every (minutes)"),
        default=30,
        validators=[
            MinValueValidator(FEED_INTERVAL_MIN),
            MaxValueValidator(FEED_INTERVAL_MAX),
        ],
    )
    is_active = models.BooleanField(_("polled"), default=True)
    etag = models.CharField(_("ETag"), max_length=500, blank=True, editable=False)
    last_modified = models.CharField(
        _("Last-Modified"), max_length=100, blank=True, editable=False
    )
    next_poll_at = models.DateTimeField(
        _("next poll"), default=timezone.now, editable=False
    )
    last_polled_at = models.DateTimeField(
        _("last polled"), null=True, blank=True, editable=False
    )
    failures = models.PositiveSmallIntegerField(
        _("failures in a row"), default=0, editable=False
    )
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    created_at = models.DateTimeField(
        _("created"), default=timezone.now, editable=False
    )

    objects = OutletFeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("feed")
        verbose_name_plural = _("feeds")
        ordering = ["outlet", "url"]
        indexes = [
            models.Index(
                fields=["next_poll_at"],
                condition=Q(is_active=True),
                name="outletfeed_due_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    interval__gte=FEED_INTERVAL_MIN, interval__lte=FEED_INTERVAL_MAX
                ),
                name="outletfeed_interval_polite",
            ),
        ]

    def __str__(self) -> str:
        return self.url
