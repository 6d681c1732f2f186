"""The newsroom's own writes: the workflow, claims, evidence, drafts, corrections,
reference data and API keys (see the package's docstring for the conventions)."""

import datetime
import hashlib
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from factcheck.models import (
    CORRECT,
    NOTE_REQUIRED,
    RESEARCH,
    TRANSITIONS,
    TRIAGE,
    ApiToken,
    Appearance,
    ArchiveReason,
    Article,
    Claim,
    Claimant,
    Correction,
    CorrectionKind,
    Event,
    EventKind,
    FactCheck,
    JobState,
    LinkStatus,
    Rating,
    Source,
    Status,
    WebhookEvent,
)
from factcheck.public.cache import purge as purge_public_pages
from factcheck.services import notifications, outbox
from factcheck.services.audit import editable_fields, snapshot
from factcheck.services.audit import record as _record

logger = logging.getLogger(__name__)

# Where the draft and its evidence may still change without a public correction.
# Once approved, a change would bypass the approval: send it back to research first.
DRAFT_STATUSES = (
    Status.SUBMITTED,
    Status.ACCEPTED,
    Status.IN_RESEARCH,
    Status.IN_REVIEW,
)
# The published record: changed only through a Correction.
VERDICT_FIELDS = ("rating", "summary", "body")
DRAFT_FIELDS = ("headline", "summary", "body", "rating", "slug")
CLAIM_FIELDS = ("text", "language", "claimant", "claimed_on", "submitted_context")
# What the approval covers of the claim itself (with its appearances, sources and
# draft): frozen from approval until it is sent back to research; after
# publication changed only by correct(). The database holds the published claim
# to it too (migration 0010).
CLAIM_RECORD_FIELDS = ("text", "language", "claimant", "claimed_on")
APPEARANCE_FIELDS = ("article", "quote", "is_first")
SOURCE_FIELDS = ("url", "title", "publisher", "kind", "excerpt", "stance")


class WorkflowError(Exception):
    """A refused write, with a message fit to show the person who attempted it."""

    code = "refused"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotAllowed(WorkflowError):
    code = "permission_denied"


class InvalidTransition(WorkflowError):
    code = "invalid_transition"


class GuardFailed(WorkflowError):
    code = "guard_failed"


class Conflict(WorkflowError):
    """Someone else changed the record since this person loaded it."""

    code = "conflict"


def _require(actor: AbstractBaseUser | None, permission: str, message: str) -> None:
    if actor is None or not actor.has_perm(permission):
        raise NotAllowed(message)


def _lock_claim(claim: Claim, expected_version: int | None) -> Claim:
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


def _require_draft(claim: Claim) -> None:
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


def _validate(instance, changes: dict[str, Any]) -> dict[str, Any]:
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


def _bump(claim: Claim, **changes: Any) -> None:
    """Write the changes and the next version; the row is already locked."""
    changes["version"] = F("version") + 1
    Claim.objects.filter(pk=claim.pk).update(**changes)
    claim.refresh_from_db()


# --- The workflow -----------------------------------------------------------------


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
        locked = _lock_claim(claim, expected_version)
        source = locked.status
        edges = TRANSITIONS[source]
        if to not in Status.values:
            raise InvalidTransition(_("“%(to)s” is not a status.") % {"to": to})
        if to not in edges:
            raise InvalidTransition(
                _("A claim that is “%(from)s” cannot be moved to “%(to)s”.")
                % {"from": Status(source).label, "to": Status(to).label}
            )
        _require(
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
        _bump(locked, status=to, status_changed_at=now, **changes)
        event = _record(
            locked,
            EventKind.TRANSITION,
            actor,
            note=note,
            from_status=source,
            to_status=to,
        )
        transaction.on_commit(lambda: _after_transition(event.pk))
        notifications.notify_transition(locked, event)
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


# --- Claims -----------------------------------------------------------------------


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
        _require(actor, "factcheck.add_claim", _("You may not add claims."))
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
        _record(claim, EventKind.CREATE, actor, to_status=claim.status)
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
    _require(actor, "factcheck.change_claim", _("You may not edit claims."))
    unknown = set(changes) - set(CLAIM_FIELDS) - {"priority"}
    if unknown:
        raise NotAllowed(
            _("These fields cannot be written here: %(f)s.")
            % {"f": ", ".join(sorted(unknown))}
        )
    with transaction.atomic():
        locked = _lock_claim(claim, expected_version)
        if "priority" in changes and changes["priority"] != locked.priority:
            _require(actor, TRIAGE, _("Only editors set a claim's priority."))
        changed = {k: v for k, v in changes.items() if getattr(locked, k) != v}
        if locked.status != Status.DISMISSED and set(changed) & set(
            CLAIM_RECORD_FIELDS
        ):
            _require_draft(locked)
        previous = snapshot(locked, changed)
        changed = _validate(locked, changed)
        fields = sorted(changed)
        if tags is not None:
            tags = list(tags)
            before = sorted(locked.tags.values_list("slug", flat=True))
            if sorted(t.slug for t in tags) != before:
                fields.append("tags")
                previous["tags"] = before
        if not fields:
            return claim
        _bump(locked, **changed)
        if "tags" in fields:
            locked.tags.set(tags)
        _record(
            locked,
            EventKind.EDIT,
            actor,
            data={"fields": sorted(fields), "previous": previous},
        )
        if locked.status == Status.PUBLISHED:
            # Tags and claimant show on public pages.
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
        _bump(locked, assignee=assignee)
        event = _record(
            locked,
            EventKind.ASSIGN,
            actor,
            data={"from": previous, "to": assignee.pk if assignee else None},
        )
        notifications.notify_assignment(locked, event, assignee)
    claim.refresh_from_db()
    return claim


# --- Where the claim appeared -----------------------------------------------------


def get_or_create_article(
    *, actor: AbstractBaseUser | None, url: str, **fields
) -> Article:
    """One article per canonical link, whoever enters it first."""
    if actor is not None:
        _require(actor, "factcheck.add_article", _("You may not add articles."))
    article = Article(url=url, **fields)
    article.full_clean(validate_unique=False, validate_constraints=False)
    existing = Article.objects.filter(url=article.url).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            article.save()
            if actor is not None:
                _record(None, EventKind.CREATE, actor, subject=article)
            return article
    except IntegrityError:
        # A colleague saved the same link a moment ago: use theirs.
        return Article.objects.get(url=article.url)


def add_appearance(
    claim: Claim,
    *,
    actor: AbstractBaseUser | None,
    article: Article,
    quote: str = "",
    is_first: bool = False,
) -> Appearance:
    """Say where the claim was made or repeated, before approval."""
    if actor is not None:
        _require(actor, "factcheck.add_appearance", _("You may not add appearances."))
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        _require_draft(locked)
        return _appearance_added(
            locked, actor=actor, article=article, quote=quote, is_first=is_first
        )


def update_appearance(
    appearance: Appearance, *, actor: AbstractBaseUser, **fields: Any
) -> Appearance:
    """Change an appearance's article, quote or first mark, before approval."""
    _require(actor, "factcheck.change_appearance", _("You may not edit appearances."))
    _only_appearance_fields(fields)
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=appearance.claim_id)
        _require_draft(locked)
        _appearance_changed(locked, appearance, actor=actor, **fields)
    appearance.refresh_from_db()
    return appearance


def remove_appearance(appearance: Appearance, *, actor: AbstractBaseUser) -> None:
    _require(actor, "factcheck.delete_appearance", _("You may not remove appearances."))
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=appearance.claim_id)
        _require_draft(locked)
        _appearance_removed(locked, appearance, actor=actor)


# The writes themselves, shared by the draft-time services above and correct();
# the caller holds the claim's row lock and has checked the status.


def _only_appearance_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(APPEARANCE_FIELDS)
    if unknown:
        raise NotAllowed(
            _("These fields cannot be written here: %(f)s.")
            % {"f": ", ".join(sorted(unknown))}
        )


def _refuse_second_appearance_in(claim: Claim, article: Article, *, but=None) -> None:
    if claim.appearances.filter(article=article).exclude(pk=but).exists():
        raise GuardFailed(
            _("This claim already has an appearance in “%(article)s”.")
            % {"article": article}
        )


def _appearance_added(
    claim: Claim, *, actor, article: Article, quote: str, is_first: bool
) -> Appearance:
    _refuse_second_appearance_in(claim, article)
    appearance = Appearance(claim=claim, article=article)
    quote = _validate(appearance, {"quote": quote})["quote"]
    if is_first:
        claim.appearances.filter(is_first=True).update(is_first=False)
    appearance.is_first = is_first
    appearance.save()
    _keep_a_first_appearance(claim)
    appearance.refresh_from_db(fields=["is_first"])
    _record(
        claim,
        EventKind.CREATE,
        actor,
        subject=appearance,
        data={"fields": list(APPEARANCE_FIELDS)},
    )
    return appearance


def _appearance_changed(
    claim: Claim, appearance: Appearance, *, actor, **fields: Any
) -> None:
    current = claim.appearances.get(pk=appearance.pk)
    changed = {k: v for k, v in fields.items() if getattr(current, k) != v}
    if not changed:
        return
    previous = snapshot(current, changed)
    if "article" in changed:
        _refuse_second_appearance_in(claim, changed["article"], but=current.pk)
    changed = _validate(current, changed)
    if changed.get("is_first"):
        claim.appearances.exclude(pk=current.pk).filter(is_first=True).update(
            is_first=False
        )
    current.save(update_fields=list(changed))
    _keep_a_first_appearance(claim)
    _record(
        claim,
        EventKind.EDIT,
        actor,
        subject=current,
        data={"fields": sorted(changed), "previous": previous},
    )


def _appearance_removed(claim: Claim, appearance: Appearance, *, actor) -> None:
    current = claim.appearances.get(pk=appearance.pk)
    previous = snapshot(current, APPEARANCE_FIELDS)
    _record(
        claim,
        EventKind.DELETE,
        actor,
        subject=current,
        data={"previous": previous},
    )
    current.delete()
    _keep_a_first_appearance(claim)


def _keep_a_first_appearance(claim: Claim) -> None:
    """The earliest known appearance is the first until someone says otherwise."""
    if claim.appearances.filter(is_first=True).exists():
        return
    earliest = claim.appearances.order_by(
        F("article__published_on").asc(nulls_last=True), "pk"
    ).first()
    if earliest is not None:
        Appearance.objects.filter(pk=earliest.pk).update(is_first=True)


# --- Evidence ---------------------------------------------------------------------


def add_source(claim: Claim, *, actor: AbstractBaseUser, **fields: Any) -> Source:
    _require(actor, "factcheck.add_source", _("You may not add sources."))
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        _require_draft(locked)
        source = Source(claim=locked, added_by=actor, **fields)
        # A link or text refused by the model's validators gets its message here;
        # the CHECK constraints alone would answer with an IntegrityError.
        source.full_clean(validate_constraints=False)
        source.save()
        outbox.record_archive_job(source, reason=ArchiveReason.ARCHIVE, actor=actor)
        _record(
            locked,
            EventKind.CREATE,
            actor,
            subject=source,
            data={"fields": sorted(fields)},
        )
        return source


def update_source(source: Source, *, actor: AbstractBaseUser, **fields: Any) -> Source:
    _require(actor, "factcheck.change_source", _("You may not edit sources."))
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=source.claim_id)
        _require_draft(locked)
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
        _record(
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
    _require(actor, "factcheck.delete_source", _("You may not remove sources."))
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=source.claim_id)
        _require_draft(locked)
        current = Source.objects.get(pk=source.pk)
        _record(
            locked,
            EventKind.DELETE,
            actor,
            subject=current,
            data={"previous": snapshot(current, SOURCE_FIELDS)},
        )
        current.delete()


# --- The draft and the published record -------------------------------------------


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
    _require(actor, RESEARCH, _("You may not edit fact-check drafts."))
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
        changed = _validate(current, changed)
        FactCheck.objects.filter(pk=current.pk).update(
            **changed, updated_at=timezone.now(), version=F("version") + 1
        )
        # Writing the draft makes you one of its authors (four eyes on approval),
        # whatever stage it is at.
        current.authors.add(actor)
        _record(
            claim,
            EventKind.EDIT,
            actor,
            subject=current,
            data={"factcheck": sorted(changed), "previous": previous},
        )
    factcheck.refresh_from_db()
    return factcheck


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
    _require(actor, CORRECT, _("Only editors issue corrections."))
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
        _only_appearance_fields(edit.values)
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
        changed = _validate(current, changed)
        claim_changed = {
            k: v for k, v in claim_changes.items() if getattr(claim, k) != v
        }
        if claim_changed:
            previous["claim"] = snapshot(claim, claim_changed)
            claim_changed = _validate(claim, claim_changed)
        replaced = [_appearance_before(claim, edit) for edit in appearances]
        if any(replaced):
            previous["appearances"] = [r for r in replaced if r]
        note = _validate(Correction(), {"note": note})["note"]
        # Written before the changes: the database lets the published record
        # change only in the transaction of its correction (migrations 0002 and
        # 0010), and a correction is never updated afterwards.
        correction = Correction.objects.create(
            factcheck=current, kind=kind, note=note, previous=previous, created_by=actor
        )
        if claim_changed:
            _bump(claim, **claim_changed)
        for edit in appearances:
            _apply_appearance_edit(claim, edit, actor=actor)
        FactCheck.objects.filter(pk=current.pk).update(
            **changed, updated_at=timezone.now(), version=F("version") + 1
        )
        event = _record(
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
        _appearance_added(
            claim,
            actor=actor,
            article=edit.values["article"],
            quote=edit.values.get("quote", ""),
            is_first=edit.values.get("is_first", False),
        )
    elif edit.remove:
        _appearance_removed(claim, edit.appearance, actor=actor)
    else:
        _appearance_changed(claim, edit.appearance, actor=actor, **edit.values)


# --- Reference data ---------------------------------------------------------------


def save_reference(instance, *, actor: AbstractBaseUser) -> None:
    """Save a rating, claimant, tag, outlet or article edited by staff.

    These have no editorial rule of their own, but published pages show them: the
    cached pages are refreshed once the change commits.
    """
    model = type(instance)
    with transaction.atomic():
        names = editable_fields(instance)
        stored = (
            model.objects.select_for_update().filter(pk=instance.pk).first()
            if instance.pk is not None
            else None
        )
        instance.save()
        if stored is None:
            _record(None, EventKind.CREATE, actor, subject=instance)
        else:
            before, after = snapshot(stored, names), snapshot(instance, names)
            changed = sorted(k for k in names if before[k] != after[k])
            if changed:
                _record(
                    None,
                    EventKind.EDIT,
                    actor,
                    subject=instance,
                    data={
                        "fields": changed,
                        "previous": {k: before[k] for k in changed},
                    },
                )
        transaction.on_commit(purge_public_pages)


def delete_reference(instance, *, actor: AbstractBaseUser) -> None:
    with transaction.atomic():
        _record(
            None,
            EventKind.DELETE,
            actor,
            subject=instance,
            data={"previous": snapshot(instance, editable_fields(instance))},
        )
        instance.delete()
        transaction.on_commit(purge_public_pages)


# --- API tokens -------------------------------------------------------------------


def issue_token(
    user: AbstractBaseUser, *, actor: AbstractBaseUser, name: str
) -> tuple[ApiToken, str]:
    """A new key for `user`; the plain key is returned once and never stored."""
    _require(actor, "factcheck.add_apitoken", _("Only administrators issue API keys."))
    if user.is_superuser and not actor.is_superuser:
        # A key acts as its user: one for the operator's account would hand an
        # administrator the powers that only the operator holds.
        raise NotAllowed(
            _("Only the operator (a superuser) issues keys for a superuser.")
        )
    key = secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, prefix=key[:8], key_hash=hash_token_key(key))
    token.full_clean(validate_constraints=False)
    with transaction.atomic():
        token.save()
        _record(
            None,
            EventKind.CREATE,
            actor,
            subject=token,
            data={"user": user.pk, "name": token.name, "prefix": token.prefix},
        )
    return token, key


def revoke_token(token: ApiToken, *, actor: AbstractBaseUser) -> None:
    _require(
        actor, "factcheck.change_apitoken", _("Only administrators revoke API keys.")
    )
    with transaction.atomic():
        revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if revoked:
            _record(
                None,
                EventKind.REVOKE,
                actor,
                subject=token,
                data={"previous": {"revoked_at": None}},
            )
    token.refresh_from_db()


def hash_token_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()
