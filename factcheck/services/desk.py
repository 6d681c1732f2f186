"""The newsroom's own writes: the workflow, claims, evidence, drafts, corrections,
reference data and API keys (see the package's docstring for the conventions)."""

import datetime
import hashlib
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
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
from factcheck.services import outbox

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


def _record(claim: Claim, kind: str, actor, note: str = "", **fields) -> Event:
    return Event.objects.create(
        claim=claim, kind=kind, actor=actor, note=note, **fields
    )


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
        if locked.status in (Status.PUBLISHED, Status.RETRACTED) and any(
            changes.get(f, getattr(locked, f)) != getattr(locked, f)
            for f in ("text", "claimant", "claimed_on", "language")
        ):
            raise GuardFailed(
                _(
                    "The claim of a published fact-check is public record; "
                    "issue a correction."
                )
            )
        changed = {k: v for k, v in changes.items() if getattr(locked, k) != v}
        changed = _validate(locked, changed)
        fields = sorted(changed)
        if tags is not None:
            tags = list(tags)
            if {t.pk for t in tags} != set(locked.tags.values_list("pk", flat=True)):
                fields.append("tags")
        if not fields:
            return claim
        _bump(locked, **changed)
        if "tags" in fields:
            locked.tags.set(tags)
        _record(locked, EventKind.EDIT, actor, data={"fields": fields})
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
        _record(
            locked,
            EventKind.ASSIGN,
            actor,
            data={"from": previous, "to": assignee.pk if assignee else None},
        )
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
    if actor is not None:
        _require(actor, "factcheck.add_appearance", _("You may not add appearances."))
    quote = _validate(Appearance(), {"quote": quote})["quote"]
    with transaction.atomic():
        Claim.objects.select_for_update().filter(pk=claim.pk).first()
        if is_first:
            claim.appearances.filter(is_first=True).update(is_first=False)
        appearance, _created = Appearance.objects.update_or_create(
            claim=claim,
            article=article,
            defaults={"quote": quote, "is_first": is_first},
        )
        if not claim.appearances.filter(is_first=True).exists():
            # The earliest known appearance is the first until someone says otherwise.
            Appearance.objects.filter(pk=appearance.pk).update(is_first=True)
            appearance.is_first = True
    return appearance


def remove_appearance(appearance: Appearance, *, actor: AbstractBaseUser) -> None:
    _require(actor, "factcheck.delete_appearance", _("You may not remove appearances."))
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(pk=appearance.claim_id)
        appearance.delete()
        # The claim keeps a first appearance while it has any appearance at all.
        if not claim.appearances.filter(is_first=True).exists():
            earliest = claim.appearances.order_by("article__published_on", "pk").first()
            if earliest is not None:
                Appearance.objects.filter(pk=earliest.pk).update(is_first=True)


# --- Evidence ---------------------------------------------------------------------


def _require_draft(claim: Claim) -> None:
    if claim.status not in DRAFT_STATUSES:
        raise GuardFailed(
            _("Sources change only before approval; send the claim back to research.")
        )


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
        return source


def update_source(source: Source, *, actor: AbstractBaseUser, **fields: Any) -> Source:
    _require(actor, "factcheck.change_source", _("You may not edit sources."))
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=source.claim_id)
        _require_draft(locked)
        current = Source.objects.get(pk=source.pk)
        previous_url = current.url
        for name, value in fields.items():
            setattr(current, name, value)
        current.full_clean(validate_constraints=False)
        current.save(update_fields=list(fields))
        if current.url != previous_url:
            _relink(current, actor=actor)
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
        source.delete()


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
        changed = _validate(current, changed)
        FactCheck.objects.filter(pk=current.pk).update(
            **changed, updated_at=timezone.now(), version=F("version") + 1
        )
        # Writing the draft makes you one of its authors (four eyes on approval),
        # whatever stage it is at.
        current.authors.add(actor)
        _record(claim, EventKind.EDIT, actor, data={"factcheck": sorted(changed)})
    factcheck.refresh_from_db()
    return factcheck


def correct(
    factcheck: FactCheck,
    *,
    actor: AbstractBaseUser,
    kind: str,
    note: str,
    expected_version: int | None = None,
    **changes: Any,
) -> Correction:
    """A dated public note on a published fact-check, with any change it explains."""
    _require(actor, CORRECT, _("Only editors issue corrections."))
    note = (note or "").strip()
    if not note:
        raise GuardFailed(_("A correction needs a public note saying what changed."))
    if kind not in CorrectionKind.values or kind == CorrectionKind.RETRACTION:
        raise GuardFailed(_("Retractions go through the workflow, not a correction."))
    unknown = set(changes) - set(VERDICT_FIELDS) - {"headline"}
    if unknown:
        raise NotAllowed(
            _("These fields cannot be corrected: %(f)s.")
            % {"f": ", ".join(sorted(unknown))}
        )
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
        previous = {
            k: (getattr(current, k).pk if k == "rating" else getattr(current, k))
            for k in changed
        }
        changed = _validate(current, changed)
        note = _validate(Correction(), {"note": note})["note"]
        correction = Correction.objects.create(
            factcheck=current, kind=kind, note=note, previous=previous, created_by=actor
        )
        FactCheck.objects.filter(pk=current.pk).update(
            **changed, updated_at=timezone.now(), version=F("version") + 1
        )
        event = _record(
            claim,
            EventKind.CORRECTION,
            actor,
            note=note,
            data={"kind": kind, "fields": sorted(changed)},
        )
        transaction.on_commit(purge_public_pages)
        outbox.notify_partners(
            WebhookEvent.CORRECTED, event=event, correction=correction
        )
    factcheck.refresh_from_db()
    return correction


# --- Reference data ---------------------------------------------------------------


def save_reference(instance, *, actor: AbstractBaseUser) -> None:
    """Save a rating, claimant, tag, outlet or article edited by staff.

    These have no editorial rule of their own, but published pages show them: the
    cached pages are refreshed once the change commits.
    """
    with transaction.atomic():
        instance.save()
        transaction.on_commit(purge_public_pages)


def delete_reference(instance, *, actor: AbstractBaseUser) -> None:
    with transaction.atomic():
        instance.delete()
        transaction.on_commit(purge_public_pages)


# --- API tokens -------------------------------------------------------------------


def issue_token(
    user: AbstractBaseUser, *, actor: AbstractBaseUser, name: str
) -> tuple[ApiToken, str]:
    """A new key for `user`; the plain key is returned once and never stored."""
    _require(actor, "factcheck.add_apitoken", _("Only administrators issue API keys."))
    key = secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, prefix=key[:8], key_hash=hash_token_key(key))
    token.full_clean(validate_constraints=False)
    token.save()
    return token, key


def revoke_token(token: ApiToken, *, actor: AbstractBaseUser) -> None:
    _require(
        actor, "factcheck.change_apitoken", _("Only administrators revoke API keys.")
    )
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    token.refresh_from_db()


def hash_token_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()
