"""The fact-check draft: created when research starts, edited until approval."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from factcheck.models import RESEARCH, Claim, EventKind, FactCheck, Rating, Status
from factcheck.services.audit import record, snapshot
from factcheck.services.errors import Conflict, GuardFailed, NotAllowed
from factcheck.services.records import DRAFT_STATUSES, require, validate_changes

DRAFT_FIELDS = ("headline", "summary", "body", "rating", "slug")


def _unique_slug(text: str, *, exclude_pk: int | None = None) -> str:
    base = _cut_at_word(slugify(text, allow_unicode=True), 80) or "fact-check"
    slug, n = base, 2
    while FactCheck.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _cut_at_word(slug: str, limit: int) -> str:
    if len(slug) <= limit:
        return slug
    cut = slug[:limit]
    return cut.rsplit("-", 1)[0] if "-" in cut else cut


def ensure_draft(claim: Claim) -> FactCheck:
    """The claim's fact-check, created empty the first time research starts."""
    draft = FactCheck.objects.filter(claim=claim).first()
    if draft is None:
        draft = FactCheck.objects.create(
            claim=claim,
            language=claim.language,
            slug=_unique_slug(claim.text or f"claim-{claim.pk}"),
        )
    return draft


def save_draft(
    factcheck: FactCheck,
    *,
    actor: AbstractBaseUser,
    expected_version: int,
    changes: dict[str, Any],
) -> FactCheck:
    """Edit the draft. After approval it is frozen; after publication, see correct()."""
    require(actor, RESEARCH, _("You may not edit fact-check drafts."))
    unknown = set(changes) - set(DRAFT_FIELDS) - {"language"}
    if unknown:
        raise NotAllowed(
            _("These fields cannot be written here: %(f)s.")
            % {"f": ", ".join(sorted(unknown))}
        )
    if isinstance(changes.get("rating"), int):
        changes["rating"] = Rating.objects.get(pk=changes["rating"])
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(pk=factcheck.claim_id)
        current = FactCheck.objects.get(pk=factcheck.pk)
        if current.version != expected_version:
            raise Conflict(
                _(
                    "This fact-check was changed by someone else while you were "
                    "editing it. Reload it to see their changes, then apply yours "
                    "again."
                )
            )
        changed = {k: v for k, v in changes.items() if getattr(current, k) != v}
        if claim.status in (Status.PUBLISHED, Status.RETRACTED):
            if changed:
                raise GuardFailed(
                    _("A published fact-check changes only with a public correction.")
                )
        elif claim.status not in DRAFT_STATUSES and changed:
            raise GuardFailed(
                _("This draft is approved; send it back to research to change it.")
            )
        if "slug" in changed:
            changed["slug"] = _unique_slug(changed["slug"], exclude_pk=current.pk)
        if not changed:
            return current
        previous = snapshot(current, changed)
        changed = validate_changes(current, changed)
        FactCheck.objects.filter(pk=current.pk).update(
            **changed, updated_at=timezone.now(), version=F("version") + 1
        )
        # Writing the draft makes you one of its authors (four eyes on approval),
        # whatever stage it is at.
        current.authors.add(actor)
        record(
            claim,
            EventKind.EDIT,
            actor,
            subject=current,
            data={"factcheck": sorted(changed), "previous": previous},
        )
    factcheck.refresh_from_db()
    return factcheck
