"""Sources: the evidence a fact-check relies on, each archived when added."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from factcheck.models import (
    ArchiveReason,
    Claim,
    EventKind,
    JobState,
    LinkStatus,
    Source,
)
from factcheck.services import outbox
from factcheck.services.audit import record, snapshot
from factcheck.services.records import require, require_draft

SOURCE_FIELDS = ("url", "title", "publisher", "kind", "excerpt", "stance")


def add_source(claim: Claim, *, actor: AbstractBaseUser, **fields: Any) -> Source:
    require(actor, "factcheck.add_source", _("You may not add sources."))
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        require_draft(locked)
        source = Source(claim=locked, added_by=actor, **fields)
        # A link or text refused by the model's validators gets its message here;
        # the CHECK constraints alone would answer with an IntegrityError.
        source.full_clean(validate_constraints=False)
        source.save()
        outbox.record_archive_job(source, reason=ArchiveReason.ARCHIVE, actor=actor)
        record(
            locked,
            EventKind.CREATE,
            actor,
            subject=source,
            data={"fields": sorted(fields)},
        )
        return source


def update_source(source: Source, *, actor: AbstractBaseUser, **fields: Any) -> Source:
    require(actor, "factcheck.change_source", _("You may not edit sources."))
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=source.claim_id)
        require_draft(locked)
        current = Source.objects.get(pk=source.pk)
        changed = {k: v for k, v in fields.items() if getattr(current, k) != v}
        if not changed:
            return source
        previous = snapshot(current, changed)
        for name, value in changed.items():
            setattr(current, name, value)
        current.full_clean(validate_constraints=False)
        current.save(update_fields=list(changed))
        if current.url != previous.get("url", current.url):
            _relink(current, actor=actor)
        record(
            locked,
            EventKind.EDIT,
            actor,
            subject=current,
            data={"fields": sorted(changed), "previous": previous},
        )
    source.refresh_from_db()
    return source


def _relink(source: Source, *, actor: AbstractBaseUser) -> None:
    """A new link is new evidence: archive it afresh, drop what was said of the old."""
    now = timezone.now()
    source.archive_jobs.filter(state=JobState.PENDING).update(
        state=JobState.FAILED,
        finished_at=now,
        error=_("The link changed before this job ran."),
    )
    Source.objects.filter(pk=source.pk).update(
        link_status=LinkStatus.PENDING,
        link_status_since=now,
        archived_at=None,
        checked_at=None,
    )
    outbox.record_archive_job(source, reason=ArchiveReason.ARCHIVE, actor=actor)


def remove_source(source: Source, *, actor: AbstractBaseUser) -> None:
    require(actor, "factcheck.delete_source", _("You may not remove sources."))
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=source.claim_id)
        require_draft(locked)
        current = Source.objects.get(pk=source.pk)
        record(
            locked,
            EventKind.DELETE,
            actor,
            subject=current,
            data={"previous": snapshot(current, SOURCE_FIELDS)},
        )
        current.delete()
