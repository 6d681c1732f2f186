"""Claims, where each was made (appearances), and the desk's one search.

Reads live here as QuerySet methods (`Claim.objects.queue()`, `.search()`) so the
joins they need cannot be forgotten by a caller.
"""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from factcheck.fields import CleanCharField, CleanTextField, clean_text_constraint
from factcheck.models.reference import Article, Claimant, Tag
from factcheck.models.search import (
    CLAIM_MAX_LENGTH,
    Language,
    language_search_vector,
    length_constraint,
    ranked,
    search_query,
    search_rank,
    searchable_length,
)
from factcheck.models.workflow import OPEN_STATUSES, Priority, Status, closed_last


def related_model(model: type[models.Model], relation: str) -> type[models.Model]:
    """The model at the other end of `relation`. Fact-checks and sources point at
    claims, so their modules sit above this one; a claim's queries reach them
    through the relation rather than by importing them."""
    return model._meta.get_field(relation).related_model


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
    factchecks = related_model(Claim, "factcheck")
    return (
        Claim.objects.filter(search=query)
        .order_by()
        .values("pk")
        .union(factchecks.objects.filter(search=query).order_by().values("claim_id"))
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
                        related_model(self.model, "sources")
                        .objects.filter(claim=models.OuterRef("pk"))
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

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    # "My work" on the admin index, and the queue's filters of the same names.

    def assigned_to(self, user):
        """Open claims given to this person."""
        return self.open().filter(assignee=user)

    def awaiting_review_by(self, user):
        """Drafts in review that this person did not write (four eyes): what an
        editor may approve. Whether they may approve at all is their role's."""
        return self.filter(status=Status.IN_REVIEW).exclude(
            models.Exists(_authored_by(self.model, user))
        )

    def sent_back_to(self, user):
        """Claims back in research after review, for their assignee and the
        draft's authors: the last move was a send-back."""
        send_back = related_model(self.model, "events").objects.filter(
            claim=models.OuterRef("pk"),
            kind="transition",
            to_status=Status.IN_RESEARCH,
            from_status__in=(Status.IN_REVIEW, Status.APPROVED),
            created_at__gte=models.OuterRef("status_changed_at"),
        )
        return self.filter(
            Q(assignee=user) | Q(models.Exists(_authored_by(self.model, user))),
            models.Exists(send_back),
            status=Status.IN_RESEARCH,
        )

    def work_counts(self, user) -> dict[str, int]:
        """How many claims are assigned to, waiting for the review of, and sent
        back to this person: one query."""
        pks = {
            "assigned": self.assigned_to(user).values("pk"),
            "review": self.awaiting_review_by(user).values("pk"),
            "sent_back": self.sent_back_to(user).values("pk"),
        }
        return self.open().aggregate(
            **{
                name: Count("pk", filter=Q(pk__in=subquery))
                for name, subquery in pks.items()
            }
        )


def _authored_by(claim_model, user) -> models.QuerySet:
    """The author rows linking the outer claim's draft to this person."""
    authors = related_model(claim_model, "factcheck").authors.through
    return authors.objects.filter(factcheck__claim=models.OuterRef("pk"), user=user)


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
