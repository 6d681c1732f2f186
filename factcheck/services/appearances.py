"""Where a claim was made or repeated: articles and appearances.

The add/update/remove services work on a draft; the `write_*` helpers below them
are the writes themselves, shared with correct() after publication.
"""

from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from factcheck.models import Appearance, Article, Claim, EventKind, Outlet
from factcheck.services.audit import record, snapshot
from factcheck.services.errors import GuardFailed, NotAllowed
from factcheck.services.records import require, require_draft, validate_changes

APPEARANCE_FIELDS = ("article", "quote", "is_first")


def get_or_create_article(
    *, actor: AbstractBaseUser | None, url: str, **fields
) -> Article:
    """One article per canonical link, whoever enters it first."""
    if actor is not None:
        require(actor, "factcheck.add_article", _("You may not add articles."))
    article = Article(url=url, **fields)
    article.full_clean(validate_unique=False, validate_constraints=False)
    existing = Article.objects.filter(url=article.url).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            article.save()
            if actor is not None:
                record(None, EventKind.CREATE, actor, subject=article)
            return article
    except IntegrityError:
        # A colleague saved the same link a moment ago: use theirs.
        return Article.objects.get(url=article.url)


def outlet_domain(url: str) -> str:
    """The domain of the outlet a link belongs to: its host, lower-case, without
    "www." (Outlet.domain is stored so)."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.lower().removeprefix("www.")


def outlet_of(url: str) -> Outlet | None:
    domain = outlet_domain(url)
    return Outlet.objects.filter(domain=domain).first() if domain else None


def get_or_create_outlet(
    *, actor: AbstractBaseUser | None, url: str, language: str
) -> Outlet:
    """The outlet a link belongs to; one named by its domain when the desk does
    not know it yet, so that an article from anywhere can be an appearance. An
    administrator can give it its proper names later."""
    known = outlet_of(url)
    if known is not None:
        return known
    if actor is not None:
        require(actor, "factcheck.add_outlet", _("You may not add outlets."))
    domain = outlet_domain(url)
    outlet = Outlet(name=domain, domain=domain, language=language)
    outlet.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            outlet.save()
            if actor is not None:
                record(None, EventKind.CREATE, actor, subject=outlet)
            return outlet
    except IntegrityError:
        # A colleague's article from the same site made it a moment ago.
        return Outlet.objects.get(domain=domain)


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
        require(actor, "factcheck.add_appearance", _("You may not add appearances."))
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        require_draft(locked)
        return write_new_appearance(
            locked, actor=actor, article=article, quote=quote, is_first=is_first
        )


def update_appearance(
    appearance: Appearance, *, actor: AbstractBaseUser, **fields: Any
) -> Appearance:
    """Change an appearance's article, quote or first mark, before approval."""
    require(actor, "factcheck.change_appearance", _("You may not edit appearances."))
    refuse_unknown_appearance_fields(fields)
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=appearance.claim_id)
        require_draft(locked)
        write_appearance_change(locked, appearance, actor=actor, **fields)
    appearance.refresh_from_db()
    return appearance


def remove_appearance(appearance: Appearance, *, actor: AbstractBaseUser) -> None:
    require(actor, "factcheck.delete_appearance", _("You may not remove appearances."))
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=appearance.claim_id)
        require_draft(locked)
        write_appearance_removal(locked, appearance, actor=actor)


# The writes themselves, shared by the draft-time services above and correct();
# the caller holds the claim's row lock and has checked the status.


def refuse_unknown_appearance_fields(fields: dict[str, Any]) -> None:
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


def write_new_appearance(
    claim: Claim, *, actor, article: Article, quote: str, is_first: bool
) -> Appearance:
    _refuse_second_appearance_in(claim, article)
    appearance = Appearance(claim=claim, article=article)
    quote = validate_changes(appearance, {"quote": quote})["quote"]
    if is_first:
        claim.appearances.filter(is_first=True).update(is_first=False)
    appearance.is_first = is_first
    appearance.save()
    _keep_a_first_appearance(claim)
    appearance.refresh_from_db(fields=["is_first"])
    record(
        claim,
        EventKind.CREATE,
        actor,
        subject=appearance,
        data={"fields": list(APPEARANCE_FIELDS)},
    )
    return appearance


def write_appearance_change(
    claim: Claim, appearance: Appearance, *, actor, **fields: Any
) -> None:
    current = claim.appearances.get(pk=appearance.pk)
    changed = {k: v for k, v in fields.items() if getattr(current, k) != v}
    if not changed:
        return
    previous = snapshot(current, changed)
    if "article" in changed:
        _refuse_second_appearance_in(claim, changed["article"], but=current.pk)
    changed = validate_changes(current, changed)
    if changed.get("is_first"):
        claim.appearances.exclude(pk=current.pk).filter(is_first=True).update(
            is_first=False
        )
    current.save(update_fields=list(changed))
    _keep_a_first_appearance(claim)
    record(
        claim,
        EventKind.EDIT,
        actor,
        subject=current,
        data={"fields": sorted(changed), "previous": previous},
    )


def write_appearance_removal(claim: Claim, appearance: Appearance, *, actor) -> None:
    current = claim.appearances.get(pk=appearance.pk)
    previous = snapshot(current, APPEARANCE_FIELDS)
    record(
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
