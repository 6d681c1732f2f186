"""The newsroom's domain, a module per concern, re-exported here.

search.py: the desk's languages, Arabic folding, search vectors and text limits;
workflow.py: statuses, the TRANSITIONS graph and its permissions; reference.py:
outlets, articles, claimants, tags, the rating scale; claims.py: claims, their
appearances and the one search; evidence.py: sources; factchecks.py: verdicts and
corrections; events.py: the audit trail; tokens.py: API keys; jobs.py: the rows
background jobs run from (archives, deliveries, periodic jobs); intake.py: claim
intake's articles, proposals, decisions and scorer models.

Reads live here as QuerySet methods (`FactCheck.objects.published()`,
`Claim.objects.queue()`) so the joins they need cannot be forgotten by a caller.
Writes that carry an editorial rule live in `factcheck/services/`.
"""

from factcheck.fields import clean_text_constraint
from factcheck.models.claims import Appearance, Claim, ClaimQuerySet, with_tag
from factcheck.models.events import Event, EventKind
from factcheck.models.evidence import LinkStatus, Source, SourceKind, Stance
from factcheck.models.factchecks import (
    SEARCH_LIMIT,
    Correction,
    CorrectionKind,
    CorrectionQuerySet,
    FactCheck,
    FactCheckQuerySet,
    SearchDocument,
    byline,
    having_published_factchecks,
)
from factcheck.models.intake import (
    CHECK_WORTHY_OUTCOMES,
    INTAKE_TEXT_MAX_LENGTH,
    DecisionOutcome,
    DismissReason,
    IntakeArticle,
    IntakeSource,
    OutletFeed,
    Proposal,
    ProposalDecision,
    ProposalState,
    ScorerKind,
    ScorerModel,
)
from factcheck.models.jobs import (
    HEARTBEAT,
    OPEN_JOB_STATES,
    ArchiveJob,
    ArchiveReason,
    Delivery,
    DeliveryAttempt,
    Job,
    JobState,
    PeriodicJob,
    SourceArchive,
    Subscriber,
    WebhookEvent,
    new_webhook_secret,
    sources_needing_link_check,
)
from factcheck.models.notes import NOTE_MAX_LENGTH, Note, NoteQuerySet
from factcheck.models.notifications import (
    Notification,
    NotificationKind,
    NotificationQuerySet,
)
from factcheck.models.pages import PublicPage
from factcheck.models.reference import (
    Article,
    Claimant,
    ClaimantKind,
    Outlet,
    Rating,
    RatingQuerySet,
    Tag,
)
from factcheck.models.search import (
    FINAL_HA,
    SEARCH_CONFIGS,
    WORDS,
    Language,
    fold_arabic,
    fold_arabic_query,
    language_search_vector,
    search_query,
    with_words,
)
from factcheck.models.tokens import ApiToken, ApiTokenQuerySet
from factcheck.models.vectors import ClaimVector, text_md5
from factcheck.models.workflow import (
    APPROVE,
    CORRECT,
    NEXT_STEP,
    NOTE_REQUIRED,
    OPEN_STATUSES,
    PUBLISH,
    RESEARCH,
    RETRACT,
    TRANSITIONS,
    TRIAGE,
    Priority,
    Status,
    next_step,
)

__all__ = [
    "APPROVE",
    "CHECK_WORTHY_OUTCOMES",
    "CORRECT",
    "FINAL_HA",
    "HEARTBEAT",
    "INTAKE_TEXT_MAX_LENGTH",
    "NEXT_STEP",
    "NOTE_MAX_LENGTH",
    "NOTE_REQUIRED",
    "OPEN_JOB_STATES",
    "OPEN_STATUSES",
    "PUBLISH",
    "RESEARCH",
    "RETRACT",
    "SEARCH_CONFIGS",
    "SEARCH_LIMIT",
    "TRANSITIONS",
    "TRIAGE",
    "WORDS",
    "ApiToken",
    "ApiTokenQuerySet",
    "Appearance",
    "ArchiveJob",
    "ArchiveReason",
    "Article",
    "Claim",
    "ClaimQuerySet",
    "ClaimVector",
    "Claimant",
    "ClaimantKind",
    "Correction",
    "CorrectionKind",
    "CorrectionQuerySet",
    "DecisionOutcome",
    "Delivery",
    "DeliveryAttempt",
    "DismissReason",
    "Event",
    "EventKind",
    "FactCheck",
    "FactCheckQuerySet",
    "IntakeArticle",
    "IntakeSource",
    "Job",
    "JobState",
    "Language",
    "LinkStatus",
    "Note",
    "NoteQuerySet",
    "Notification",
    "NotificationKind",
    "NotificationQuerySet",
    "Outlet",
    "OutletFeed",
    "PeriodicJob",
    "Priority",
    "Proposal",
    "ProposalDecision",
    "ProposalState",
    "PublicPage",
    "Rating",
    "RatingQuerySet",
    "ScorerKind",
    "ScorerModel",
    "SearchDocument",
    "Source",
    "SourceArchive",
    "SourceKind",
    "Stance",
    "Status",
    "Subscriber",
    "Tag",
    "WebhookEvent",
    "byline",
    "clean_text_constraint",
    "fold_arabic",
    "fold_arabic_query",
    "having_published_factchecks",
    "language_search_vector",
    "new_webhook_secret",
    "next_step",
    "search_query",
    "sources_needing_link_check",
    "text_md5",
    "with_tag",
    "with_words",
]
