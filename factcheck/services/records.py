"""What every write on a claim starts with, shared by the services that
write claims and by the background jobs: the permission check, the claim's row lock
with its version check, the draft-only guard, field validation and the version bump.
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F
from django.utils.translation import gettext as _

from factcheck.models import Claim, Status
from factcheck.services.errors import Conflict, GuardFailed, NotAllowed

# Where the draft and its evidence may still change without a public correction.
# Once approved, a change would bypass the approval: send it back to research first.
DRAFT_STATUSES = (
    Status.SUBMITTED,
    Status.ACCEPTED,
    Status.IN_RESEARCH,
    Status.IN_REVIEW,
)


def require(actor: AbstractBaseUser | None, permission: str, message: str) -> None:
    if actor is None or not actor.has_perm(permission):
        raise NotAllowed(message)


def lock_claim(claim: Claim, expected_version: int | None) -> Claim:
    """Re-read the claim under a row lock; refuse if the caller's copy is stale."""
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    expected = claim.version if expected_version is None else expected_version
    if locked.version != expected:
        raise Conflict(
            _(
                "This claim was changed by someone else while you were working on it "
                "(it is now “%(status)s”). Reload it to see their changes, then "
                "apply yours again."
            )
            % {"status": locked.get_status_display()}
        )
    return locked


def require_draft(claim: Claim) -> None:
    """Refuse a change to what the approval covers, saying what to do instead."""
    if claim.status in DRAFT_STATUSES:
        return
    if claim.status == Status.APPROVED:
        raise GuardFailed(
            _(
                "This claim is approved as it stands: send it back to research to "
                "change the claim, where it appeared, its sources or its draft."
            )
        )
    if claim.status == Status.PUBLISHED:
        raise GuardFailed(
            _(
                "This fact-check is published: the claim and where it appeared "
                "change only through a public correction by an editor, and its "
                "sources do not change."
            )
        )
    raise GuardFailed(
        _("This claim is “%(status)s”: it no longer changes.")
        % {"status": claim.get_status_display()}
    )


def validate_changes(instance, changes: dict[str, Any]) -> dict[str, Any]:
    """Run the model's field validators on the changed fields only.

    Raises ValidationError with a message per field (a form shows it, the API
    answers 400 with it) instead of leaving a CHECK constraint to answer with an
    IntegrityError. Returns the cleaned values (NFC text, canonical links).
    """
    for name, value in changes.items():
        setattr(instance, name, value)
    others = [f.name for f in instance._meta.fields if f.name not in changes]
    instance.clean_fields(exclude=others)
    return {name: getattr(instance, name) for name in changes}


def bump(claim: Claim, **changes: Any) -> None:
    """Write the changes and the next version; the row is already locked."""
    changes["version"] = F("version") + 1
    Claim.objects.filter(pk=claim.pk).update(**changes)
    claim.refresh_from_db()
