"""Claims: submitting one to the queue, editing it, assigning it."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from factcheck import pages
from factcheck.models import RESEARCH, TRIAGE, Claim, Claimant, EventKind, Status
from factcheck.pagecache import purge as purge_public_pages
from factcheck.services import notifications, outbox
from factcheck.services.audit import record, snapshot
from factcheck.services.errors import GuardFailed, NotAllowed
from factcheck.services.records import (
    bump,
    lock_claim,
    require,
    require_draft,
    validate_changes,
)

CLAIM_FIELDS = ("text", "language", "claimant", "claimed_on", "submitted_context")
# What the approval covers of the claim itself (with its appearances, sources and
# draft): frozen from approval until it is sent back to research; after
# publication changed only by correct(). The database holds the published claim
# to it too (migration 0010).
CLAIM_RECORD_FIELDS = ("text", "language", "claimant", "claimed_on")


def submit_claim(
    *,
    text: str,
    language: str,
    actor: AbstractBaseUser | None = None,
    context: str = "",
    contact: str = "",
    claimant: Claimant | None = None,
    claimed_on: datetime.date | None = None,
    priority: int | None = None,
) -> Claim:
    """A claim enters the queue as submitted: from a reader, a CMS or a colleague.

    Status, assignee and version are not parameters: a new claim always starts at
    the beginning of the workflow, unassigned.
    """
    if actor is not None:
        require(actor, "factcheck.add_claim", _("You may not add claims."))
    if priority is not None and (actor is None or not actor.has_perm(TRIAGE)):
        raise NotAllowed(_("Only editors set a claim's priority."))
    claim = Claim(
        text=(text or "").strip(),
        language=language,
        submitted_context=context,
        submitter_contact=contact,
        claimant=claimant,
        claimed_on=claimed_on,
    )
    if priority is not None:
        claim.priority = priority
    # Field validators give the messages; the CHECK constraints are enforced by the
    # database on save, so checking each one with its own query here would only
    # repeat them.
    claim.full_clean(exclude=["status", "assignee"], validate_constraints=False)
    with transaction.atomic():
        claim.save()
        record(claim, EventKind.CREATE, actor, to_status=claim.status)
        outbox.record_embedding(claim)
    return claim


def update_claim(
    claim: Claim,
    *,
    actor: AbstractBaseUser,
    expected_version: int,
    changes: dict[str, Any],
    tags: Iterable | None = None,
) -> Claim:
    """Edit what the claim says and who said it; priority goes through triage."""
    require(actor, "factcheck.change_claim", _("You may not edit claims."))
    unknown = set(changes) - set(CLAIM_FIELDS) - {"priority"}
    if unknown:
        raise NotAllowed(
            _("These fields cannot be written here: %(f)s.")
            % {"f": ", ".join(sorted(unknown))}
        )
    with transaction.atomic():
        locked = lock_claim(claim, expected_version)
        if "priority" in changes and changes["priority"] != locked.priority:
            require(actor, TRIAGE, _("Only editors set a claim's priority."))
        changed = {k: v for k, v in changes.items() if getattr(locked, k) != v}
        if locked.status != Status.DISMISSED and set(changed) & set(
            CLAIM_RECORD_FIELDS
        ):
            require_draft(locked)
        previous = snapshot(locked, changed)
        changed = validate_changes(locked, changed)
        fields = sorted(changed)
        if tags is not None:
            tags = list(tags)
            before = sorted(locked.tags.values_list("slug", flat=True))
            if sorted(t.slug for t in tags) != before:
                fields.append("tags")
                previous["tags"] = before
        if not fields:
            return claim
        bump(locked, **changed)
        if "tags" in fields:
            locked.tags.set(tags)
        if "text" in changed:
            outbox.record_embedding(locked)
        record(
            locked,
            EventKind.EDIT,
            actor,
            data={"fields": sorted(fields), "previous": previous},
        )
        if locked.status == Status.PUBLISHED:
            # Tags and claimant show on public pages.
            pages.render_page(locked.factcheck.pk)
            transaction.on_commit(purge_public_pages)
    claim.refresh_from_db()
    return claim


def assign(
    claim: Claim, *, actor: AbstractBaseUser, assignee: AbstractBaseUser | None
) -> Claim:
    """Give the claim to someone. Fact-checkers may take a claim for themselves."""
    taking_it = assignee is not None and assignee.pk == actor.pk
    if not (actor.has_perm(TRIAGE) or (taking_it and actor.has_perm(RESEARCH))):
        raise NotAllowed(_("Only editors assign claims to other people."))
    if assignee is not None and not assignee.has_perm(RESEARCH):
        raise GuardFailed(
            _("%(name)s is not a fact-checker or editor.") % {"name": assignee}
        )
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if not locked.is_open:
            raise GuardFailed(_("Closed claims are not assigned."))
        previous = locked.assignee_id
        if previous == (assignee.pk if assignee else None):
            return claim
        bump(locked, assignee=assignee)
        event = record(
            locked,
            EventKind.ASSIGN,
            actor,
            data={"from": previous, "to": assignee.pk if assignee else None},
        )
        notifications.notify_assignment(locked, event, assignee)
    claim.refresh_from_db()
    return claim
