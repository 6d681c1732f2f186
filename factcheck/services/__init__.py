"""Every write that carries an editorial rule.

The admin, the API, Celery tasks and management commands all call these functions,
so a rule enforced here is enforced everywhere. Each function takes the subject
first, keyword-only arguments after it and an explicit `actor`; it runs in one
transaction and defers side effects until after commit.

What is recorded, and where: the editorial writes record an Event row (audit.py)
in their own transaction, saying who (no one for a reader's submission or a
cancellation by the scheduler), what, when and the values they replaced: the
workflow, claims, appearances, sources, drafts, corrections, reference data,
articles entered by staff, API keys, re-archiving, redelivery and scheduled
publication. Not as an Event: ensure_draft() creates the empty draft without one
of its own (the move to research that calls it is recorded); an article saved for
a reader's submission; the background work's own bookkeeping (a job's attempts, a
link's status), kept on the job's row; account changes (accounts.py), kept in the
admin's log (LogEntry), as are webhook subscribers, which only the admin edits.

A module per concern: errors.py (the refusals), records.py (what every write on a
claim starts with: permission, row lock, version, draft guard), workflow.py (moves
along the graph), claims.py, appearances.py (articles and where a claim appeared),
evidence.py (sources), drafts.py, corrections.py, reference.py, tokens.py (API
keys), accounts.py (roles and account flags), audit.py (Event rows), notes.py
(internal notes), readers.py (a reader's link made an appearance),
notifications.py (who is told of what); outbox.py records background jobs inside
those transactions; jobs.py runs them and holds the writes that schedule or repeat
them.
"""

from factcheck.services.appearances import (
    APPEARANCE_FIELDS,
    add_appearance,
    get_or_create_article,
    remove_appearance,
    update_appearance,
)
from factcheck.services.claims import (
    CLAIM_FIELDS,
    CLAIM_RECORD_FIELDS,
    assign,
    submit_claim,
    update_claim,
)
from factcheck.services.corrections import VERDICT_FIELDS, AppearanceEdit, correct
from factcheck.services.drafts import DRAFT_FIELDS, ensure_draft, save_draft
from factcheck.services.errors import (
    Conflict,
    GuardFailed,
    InvalidTransition,
    NotAllowed,
    WorkflowError,
)
from factcheck.services.evidence import (
    SOURCE_FIELDS,
    add_source,
    remove_source,
    update_source,
)
from factcheck.services.jobs import (
    ARCHIVE_MAX_ATTEMPTS,
    DELIVERY_MAX_ATTEMPTS,
    EMBED_MAX_ATTEMPTS,
    GONE_STATUSES,
    JOB_TASKS,
    LINK_CHECK_BATCH,
    LINK_CHECK_EVERY,
    NOTIFICATION_MAX_ATTEMPTS,
    RETRY_BASE_SECONDS,
    RETRYABLE_STATUSES,
    SWEEP_BATCH,
    SWEEP_GRACE,
    publish_due,
    rearchive,
    record_link_checks,
    redeliver,
    retry_delay,
    run_archive_job,
    run_delivery,
    run_embedding_job,
    run_notification_email,
    schedule_publication,
    sweep,
)
from factcheck.services.notes import add_note
from factcheck.services.readers import (
    appearance_from_link,
    canonical_link,
    linked_already,
    reader_links,
)
from factcheck.services.records import DRAFT_STATUSES
from factcheck.services.reference import delete_reference, save_reference
from factcheck.services.tokens import hash_token_key, issue_token, revoke_token
from factcheck.services.translations import link_translation
from factcheck.services.workflow import (
    GUARDS,
    Refusal,
    allowed_transitions,
    transition,
    transition_many,
)

__all__ = [
    "APPEARANCE_FIELDS",
    "ARCHIVE_MAX_ATTEMPTS",
    "CLAIM_FIELDS",
    "CLAIM_RECORD_FIELDS",
    "DELIVERY_MAX_ATTEMPTS",
    "DRAFT_FIELDS",
    "DRAFT_STATUSES",
    "EMBED_MAX_ATTEMPTS",
    "GONE_STATUSES",
    "GUARDS",
    "JOB_TASKS",
    "LINK_CHECK_BATCH",
    "LINK_CHECK_EVERY",
    "NOTIFICATION_MAX_ATTEMPTS",
    "RETRYABLE_STATUSES",
    "RETRY_BASE_SECONDS",
    "SOURCE_FIELDS",
    "SWEEP_BATCH",
    "SWEEP_GRACE",
    "VERDICT_FIELDS",
    "AppearanceEdit",
    "Conflict",
    "GuardFailed",
    "InvalidTransition",
    "NotAllowed",
    "Refusal",
    "WorkflowError",
    "add_appearance",
    "add_note",
    "add_source",
    "allowed_transitions",
    "appearance_from_link",
    "assign",
    "canonical_link",
    "correct",
    "delete_reference",
    "ensure_draft",
    "get_or_create_article",
    "hash_token_key",
    "issue_token",
    "link_translation",
    "linked_already",
    "publish_due",
    "reader_links",
    "rearchive",
    "record_link_checks",
    "redeliver",
    "remove_appearance",
    "remove_source",
    "retry_delay",
    "revoke_token",
    "run_archive_job",
    "run_delivery",
    "run_embedding_job",
    "run_notification_email",
    "save_draft",
    "save_reference",
    "schedule_publication",
    "submit_claim",
    "sweep",
    "transition",
    "transition_many",
    "update_appearance",
    "update_claim",
    "update_source",
]
