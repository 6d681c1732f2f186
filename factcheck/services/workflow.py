"""The editorial workflow: moving a claim along one edge of the graph in
factcheck/models/workflow.py, with the guard each move needs.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from factcheck import pages
from factcheck.models import (
    NOTE_REQUIRED,
    TRANSITIONS,
    Claim,
    Correction,
    CorrectionKind,
    Event,
    EventKind,
    FactCheck,
    Status,
    WebhookEvent,
)
from factcheck.pagecache import purge as purge_public_pages
from factcheck.services import outbox
from factcheck.services.audit import record
from factcheck.services.drafts import ensure_draft
from factcheck.services.errors import GuardFailed, InvalidTransition, WorkflowError
from factcheck.services.records import bump, lock_claim, require

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Refusal:
    claim: Claim
    reason: str


def allowed_transitions(claim: Claim, actor: AbstractBaseUser) -> list[str]:
    """The moves this person may offer to make (guards are checked on the move)."""
    return [
        to for to, perm in TRANSITIONS[claim.status].items() if actor.has_perm(perm)
    ]


def transition(
    claim: Claim,
    *,
    to: str,
    actor: AbstractBaseUser,
    note: str = "",
    expected_version: int | None = None,
) -> Claim:
    """Move a claim along one edge of the workflow graph, or refuse with a reason."""
    note = (note or "").strip()
    with transaction.atomic(durable=True):
        locked = lock_claim(claim, expected_version)
        source = locked.status
        edges = TRANSITIONS[source]
        if to not in Status.values:
            raise InvalidTransition(_("“%(to)s” is not a status.") % {"to": to})
        if to not in edges:
            raise InvalidTransition(
                _("A claim that is “%(from)s” cannot be moved to “%(to)s”.")
                % {"from": Status(source).label, "to": Status(to).label}
            )
        require(
            actor,
            edges[to],
            _("You do not have permission to move a claim to “%(to)s”.")
            % {"to": Status(to).label},
        )
        if (source, to) in NOTE_REQUIRED and not note:
            raise GuardFailed(_("Say why in the note: the next person reads it."))
        changes = GUARDS.get(to, _no_guard)(
            locked, actor=actor, note=note, source=source
        )
        now = timezone.now()
        bump(locked, status=to, status_changed_at=now, **changes)
        event = record(
            locked,
            EventKind.TRANSITION,
            actor,
            note=note,
            from_status=source,
            to_status=to,
        )
        transaction.on_commit(lambda: _after_transition(event.pk))
        if to == Status.PUBLISHED:
            pages.render_page(locked.factcheck.pk)
        elif to == Status.RETRACTED:
            pages.forget_pages(FactCheck.objects.filter(claim=locked))
        if to in (Status.PUBLISHED, Status.RETRACTED):
            # Readers see the change on their next request, on every page it shows on.
            transaction.on_commit(purge_public_pages)
            outbox.notify_partners(
                WebhookEvent.PUBLISHED
                if to == Status.PUBLISHED
                else WebhookEvent.RETRACTED,
                event=event,
            )
    claim.refresh_from_db()
    return claim


def _no_guard(claim: Claim, **_kwargs) -> dict:
    return {}


def _to_research(claim: Claim, *, actor, note: str, source: str) -> dict:
    draft = ensure_draft(claim)
    if source in (Status.IN_REVIEW, Status.APPROVED) and draft.approved_by_id:
        # Sent back: the old approval, and any publication time set on the strength
        # of it, no longer cover what will be written next.
        FactCheck.objects.filter(pk=draft.pk).update(
            approved_by=None,
            approved_at=None,
            publish_at=None,
            publish_scheduled_by=None,
        )
    return {}


def _to_review(claim: Claim, *, actor, note: str, source: str) -> dict:
    draft = FactCheck.objects.filter(claim=claim).first()
    missing = []
    if draft is None or not draft.headline.strip():
        missing.append(_("a headline"))
    if draft is None or draft.rating_id is None:
        missing.append(_("a rating"))
    if draft is None or not draft.summary.strip():
        missing.append(_("a summary"))
    if not claim.sources.exists():
        missing.append(_("at least one source"))
    if missing:
        raise GuardFailed(
            _("Before review the draft needs %(missing)s.")
            % {"missing": ", ".join(missing)}
        )
    # Whoever sends the draft to review stands behind it as an author.
    draft.authors.add(actor)
    return {}


def _to_approved(claim: Claim, *, actor, note: str, source: str) -> dict:
    draft = claim.factcheck
    if draft.authors.filter(pk=actor.pk).exists():
        raise GuardFailed(
            _(
                "You are an author of this draft; another editor must approve it "
                "(four eyes)."
            )
        )
    FactCheck.objects.filter(pk=draft.pk).update(
        approved_by=actor, approved_at=timezone.now()
    )
    return {}


def _to_published(claim: Claim, *, actor, note: str, source: str) -> dict:
    draft = claim.factcheck
    if claim.claimant_id is None and not claim.appearances.exists():
        raise GuardFailed(
            _("Say who made the claim or where it appeared before publishing it.")
        )
    now = timezone.now()
    FactCheck.objects.filter(pk=draft.pk).update(
        published_at=draft.published_at or now, updated_at=now, version=F("version") + 1
    )
    return {}


def _to_retracted(claim: Claim, *, actor, note: str, source: str) -> dict:
    draft = claim.factcheck
    Correction.objects.create(
        factcheck=draft, kind=CorrectionKind.RETRACTION, note=note, created_by=actor
    )
    now = timezone.now()
    FactCheck.objects.filter(pk=draft.pk).update(
        retracted_at=now, updated_at=now, version=F("version") + 1
    )
    return {}


GUARDS = {
    Status.IN_RESEARCH: _to_research,
    Status.IN_REVIEW: _to_review,
    Status.APPROVED: _to_approved,
    Status.PUBLISHED: _to_published,
    Status.RETRACTED: _to_retracted,
}


def _after_transition(event_id: int) -> None:
    event = Event.objects.select_related("actor").get(pk=event_id)
    logger.info(
        "claim %s: %s -> %s by %s",
        event.claim_id,
        event.from_status,
        event.to_status,
        event.actor or "system",
    )


def transition_many(
    claims: Iterable[Claim], *, to: str, actor: AbstractBaseUser, note: str = ""
) -> tuple[list[Claim], list[Refusal]]:
    """Apply one move to many claims; each succeeds or is refused on its own."""
    done, refused = [], []
    for claim in claims:
        try:
            done.append(transition(claim, to=to, actor=actor, note=note))
        except WorkflowError as exc:
            refused.append(Refusal(claim, exc.message))
    return done, refused
