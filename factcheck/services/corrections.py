"""Public corrections: the one way a published fact-check changes."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from factcheck import pages
from factcheck.models import (
    CORRECT,
    Appearance,
    Claim,
    Correction,
    CorrectionKind,
    EventKind,
    FactCheck,
    Status,
    WebhookEvent,
)
from factcheck.pagecache import purge as purge_public_pages
from factcheck.services import outbox
from factcheck.services.appearances import (
    APPEARANCE_FIELDS,
    refuse_unknown_appearance_fields,
    write_appearance_change,
    write_appearance_removal,
    write_new_appearance,
)
from factcheck.services.audit import record, snapshot
from factcheck.services.claims import CLAIM_RECORD_FIELDS
from factcheck.services.errors import Conflict, GuardFailed, NotAllowed
from factcheck.services.records import bump, require, validate_changes

# The published record: changed only through a Correction.
VERDICT_FIELDS = ("rating", "summary", "body")


@dataclass(frozen=True)
class AppearanceEdit:
    """One change a correction makes to where a published claim appeared: add
    (no `appearance`), change (`values`) or remove (`remove=True`) one."""

    appearance: Appearance | None = None
    values: dict[str, Any] = field(default_factory=dict)
    remove: bool = False


def correct(
    factcheck: FactCheck,
    *,
    actor: AbstractBaseUser,
    kind: str,
    note: str,
    expected_version: int | None = None,
    claim_changes: dict[str, Any] | None = None,
    appearances: Iterable[AppearanceEdit] = (),
    **changes: Any,
) -> Correction:
    """A dated public note on a published fact-check, with any change it explains.

    It may change the verdict (`changes`), what the claim says and who said it
    (`claim_changes`) and where it appeared (`appearances`); the Correction keeps
    every value it replaced. Sources are not changed after publication.
    """
    require(actor, CORRECT, _("Only editors issue corrections."))
    note = (note or "").strip()
    if not note:
        raise GuardFailed(_("A correction needs a public note saying what changed."))
    if kind not in CorrectionKind.values or kind == CorrectionKind.RETRACTION:
        raise GuardFailed(_("Retractions go through the workflow, not a correction."))
    claim_changes = dict(claim_changes or {})
    unknown = (set(changes) - set(VERDICT_FIELDS) - {"headline"}) | {
        f"claim.{f}" for f in set(claim_changes) - set(CLAIM_RECORD_FIELDS)
    }
    if unknown:
        raise NotAllowed(
            _("These fields cannot be corrected: %(f)s.")
            % {"f": ", ".join(sorted(unknown))}
        )
    appearances = list(appearances)
    for edit in appearances:
        refuse_unknown_appearance_fields(edit.values)
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(pk=factcheck.claim_id)
        if claim.status != Status.PUBLISHED:
            raise GuardFailed(_("Only a published fact-check can be corrected."))
        current = FactCheck.objects.get(pk=factcheck.pk)
        expected = factcheck.version if expected_version is None else expected_version
        if current.version != expected:
            raise Conflict(
                _(
                    "This fact-check was changed by someone else; reload it and "
                    "try again."
                )
            )
        changed = {k: v for k, v in changes.items() if getattr(current, k) != v}
        previous = snapshot(current, changed)
        changed = validate_changes(current, changed)
        claim_changed = {
            k: v for k, v in claim_changes.items() if getattr(claim, k) != v
        }
        if claim_changed:
            previous["claim"] = snapshot(claim, claim_changed)
            claim_changed = validate_changes(claim, claim_changed)
        replaced = [_appearance_before(claim, edit) for edit in appearances]
        if any(replaced):
            previous["appearances"] = [r for r in replaced if r]
        note = validate_changes(Correction(), {"note": note})["note"]
        # Written before the changes: the database lets the published record
        # change only in the transaction of its correction (migrations 0002 and
        # 0010), and a correction is never updated afterwards.
        correction = Correction.objects.create(
            factcheck=current, kind=kind, note=note, previous=previous, created_by=actor
        )
        if claim_changed:
            bump(claim, **claim_changed)
        if "text" in claim_changed:
            outbox.record_embedding(claim)
        for edit in appearances:
            _apply_appearance_edit(claim, edit, actor=actor)
        FactCheck.objects.filter(pk=current.pk).update(
            **changed, updated_at=timezone.now(), version=F("version") + 1
        )
        pages.render_page(current.pk)
        event = record(
            claim,
            EventKind.CORRECTION,
            actor,
            note=note,
            subject=correction,
            data={
                "kind": kind,
                "fields": sorted([*changed, *(f"claim.{f}" for f in claim_changed)]),
                "previous": previous,
            },
        )
        transaction.on_commit(purge_public_pages)
        outbox.notify_partners(
            WebhookEvent.CORRECTED, event=event, correction=correction
        )
    factcheck.refresh_from_db()
    return correction


def _appearance_before(claim: Claim, edit: AppearanceEdit) -> dict[str, Any]:
    """What an appearance edit will replace, for the correction's record."""
    if edit.appearance is None:
        return {"added": snapshot(Appearance(**edit.values), edit.values)}
    current = claim.appearances.get(pk=edit.appearance.pk)
    if edit.remove:
        return {
            "removed": current.pk,
            "previous": snapshot(current, APPEARANCE_FIELDS),
        }
    changed = [k for k, v in edit.values.items() if getattr(current, k) != v]
    if not changed:
        return {}
    return {"changed": current.pk, "previous": snapshot(current, changed)}


def _apply_appearance_edit(claim: Claim, edit: AppearanceEdit, *, actor) -> None:
    if edit.appearance is None:
        write_new_appearance(
            claim,
            actor=actor,
            article=edit.values["article"],
            quote=edit.values.get("quote", ""),
            is_first=edit.values.get("is_first", False),
        )
    elif edit.remove:
        write_appearance_removal(claim, edit.appearance, actor=actor)
    else:
        write_appearance_change(claim, edit.appearance, actor=actor, **edit.values)
