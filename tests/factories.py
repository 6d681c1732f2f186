"""Small factory functions: each makes one valid row, overridable by keyword."""

import itertools
from contextlib import contextmanager

from django.contrib.auth.models import Group, User
from django.utils import timezone

from factcheck import services
from factcheck.models import (
    Appearance,
    Article,
    Claim,
    Claimant,
    Correction,
    CorrectionKind,
    FactCheck,
    Language,
    Outlet,
    Rating,
    Source,
    SourceKind,
    Stance,
    Status,
    Tag,
)

_seq = itertools.count(1)


def user(username: str, *groups: str, **fields) -> User:
    person = User.objects.create_user(
        username=username,
        password=fields.pop("password", "correct horse battery staple"),
        is_staff=fields.pop("is_staff", bool(groups)),
        **fields,
    )
    for name in groups:
        person.groups.add(Group.objects.get(name=name))
    return person


def outlet(**fields) -> Outlet:
    n = next(_seq)
    fields.setdefault("name", f"Outlet {n}")
    fields.setdefault("domain", f"outlet{n}.example")
    fields.setdefault("language", Language.ARABIC)
    return Outlet.objects.create(**fields)


def article(**fields) -> Article:
    n = next(_seq)
    fields.setdefault("outlet", fields.get("outlet") or outlet())
    fields.setdefault("url", f"https://news.example/{n}")
    fields.setdefault("title", f"Article {n}")
    fields.setdefault("language", Language.ARABIC)
    return Article.objects.create(**fields)


def claimant(**fields) -> Claimant:
    n = next(_seq)
    fields.setdefault("name", f"Claimant {n}")
    fields.setdefault("slug", f"claimant-{n}")
    return Claimant.objects.create(**fields)


def rating(value: int = 1, **fields) -> Rating:
    labels = {1: ("False", "خطأ"), 3: ("Half true", "نصف صحيح"), 5: ("True", "صحيح")}
    en, ar = labels.get(value, (f"Rating {value}", f"تقييم {value}"))
    defaults = {
        "slug": f"rating-{value}",
        "label_en": en,
        "label_ar": ar,
        "definition_en": f"{en}: definition.",
        "definition_ar": f"{ar}: تعريف.",
        "colour": "#b00020",
    }
    return Rating.objects.get_or_create(value=value, defaults={**defaults, **fields})[0]


def claim(status: str = Status.SUBMITTED, **fields) -> Claim:
    """A claim placed directly in a status, for tests that start mid-workflow."""
    fields.setdefault("text", f"تركيا ليست طرفا في نظام روما الأساسي {next(_seq)}")
    fields.setdefault("language", Language.ARABIC)
    if "claimant" not in fields:
        fields["claimant"] = claimant()
    return Claim.objects.create(status=status, **fields)


PUBLIC_RECORD = (Status.PUBLISHED, Status.RETRACTED)


def assembled_in(status: str) -> str:
    """The status a claim is built in: a published claim's appearances and sources
    are in place before it is published, as the database requires (migration
    0010), so it is built approved and made public last (make_public)."""
    return Status.APPROVED if status in PUBLIC_RECORD else status


def make_public(claim: Claim, status: str = Status.PUBLISHED) -> Claim:
    """Give an assembled claim its public status, the last step as in the desk."""
    Claim.objects.filter(pk=claim.pk).update(status=status)
    claim.refresh_from_db()
    return claim


@contextmanager
def assembling(claim: Claim):
    """Set up more of a public claim's record, as if it had been there before
    publication: the claim is approved while the block runs, then public again.
    Test setup only: the desk changes a published record by correction."""
    status = Claim.objects.filter(pk=claim.pk).values_list("status", flat=True).get()
    Claim.objects.filter(pk=claim.pk).update(status=assembled_in(status))
    yield claim
    make_public(claim, status)


def source(claim: Claim, **fields) -> Source:
    fields.setdefault("url", "https://asp.icc-cpi.int/states-parties")
    fields.setdefault("title", "The States Parties to the Rome Statute")
    fields.setdefault("publisher", "International Criminal Court")
    fields.setdefault("kind", SourceKind.PRIMARY)
    fields.setdefault("stance", Stance.SUPPORTS)
    return Source.objects.create(claim=claim, **fields)


def ready_draft(claim: Claim, *, author: User | None = None, **fields) -> FactCheck:
    """A draft with everything review asks for: headline, rating, summary, a source."""
    draft = services.ensure_draft(claim)
    fields.setdefault("headline", "Turkey is not a party to the Rome Statute")
    fields.setdefault("summary", "True: Turkey never ratified the Rome Statute.")
    fields.setdefault(
        "body", "The ICC's list of States Parties does not include Turkey."
    )
    fields.setdefault("rating", rating(5))
    FactCheck.objects.filter(pk=draft.pk).update(**fields)
    if not claim.sources.exists():
        source(claim)
    if author is not None:
        draft.authors.add(author)
    draft.refresh_from_db()
    return draft


def claim_at(
    status: str,
    *,
    author: User | None = None,
    approver: User | None = None,
    **fields,
) -> Claim:
    """A claim in `status` with the draft that status implies.

    From in_research on it has a draft ready for review; from approved on the draft
    carries an approval (by `approver`, or a fresh editor); published and retracted
    claims carry their dates.
    """
    placed = claim(assembled_in(status), **fields)
    stage = [
        Status.IN_RESEARCH,
        Status.IN_REVIEW,
        Status.APPROVED,
        Status.PUBLISHED,
        Status.RETRACTED,
    ]
    if status not in stage:
        return placed
    draft_fields = {}
    if stage.index(status) >= stage.index(Status.APPROVED):
        if approver is None:
            approver = user(f"approver{next(_seq)}", "Editors", password=None)
        draft_fields.update(approved_by=approver, approved_at=timezone.now())
    if stage.index(status) >= stage.index(Status.PUBLISHED):
        draft_fields["published_at"] = timezone.now()
    if status == Status.RETRACTED:
        draft_fields["retracted_at"] = timezone.now()
    ready_draft(placed, author=author, **draft_fields)
    return make_public(placed, status) if status in PUBLIC_RECORD else placed


def tag(**fields) -> Tag:
    n = next(_seq)
    if "name" in fields:  # one name, in the language it is written in
        name = fields.pop("name")
        arabic = any("\u0600" <= c <= "\u06ff" for c in name)
        fields.setdefault("name_ar" if arabic else "name_en", name)
    elif "name_ar" not in fields:
        fields.setdefault("name_en", f"tag {n}")
    fields.setdefault("slug", f"tag-{n}")
    return Tag.objects.create(**fields)


def factcheck_at(
    status: str, *, claim_fields: dict | None = None, **draft_fields
) -> FactCheck:
    """The fact-check of a claim placed in `status`, its draft written as given.

    Unlike claim_at(), the headline, summary, body and rating given here are written
    in the same update that dates the publication: once published, they change only
    with a correction.
    """
    factcheck = _assembled_factcheck(status, claim_fields, **draft_fields)
    if status in PUBLIC_RECORD:
        make_public(factcheck.claim, status)
    return factcheck


def _assembled_factcheck(
    status: str, claim_fields: dict | None, **draft_fields
) -> FactCheck:
    placed = claim(assembled_in(status), **(claim_fields or {}))
    if status in (Status.APPROVED, Status.PUBLISHED, Status.RETRACTED):
        draft_fields.setdefault(
            "approved_by", user(f"approver{next(_seq)}", "Editors", password=None)
        )
        draft_fields.setdefault("approved_at", timezone.now())
    if status in (Status.PUBLISHED, Status.RETRACTED):
        draft_fields.setdefault("published_at", timezone.now())
    if status == Status.RETRACTED:
        draft_fields.setdefault("retracted_at", timezone.now())
    return ready_draft(placed, **draft_fields)


def correction(factcheck: FactCheck, **fields) -> Correction:
    fields.setdefault("kind", CorrectionKind.CLARIFICATION)
    fields.setdefault("note", "A clarification of the second paragraph.")
    if "created_by" not in fields:
        fields["created_by"] = factcheck.approved_by or user(f"corrector{next(_seq)}")
    return Correction.objects.create(factcheck=factcheck, **fields)


def public_factcheck(
    language: str = Language.ARABIC,
    *,
    sources: int = 1,
    appearances: int = 1,
    corrections: int = 0,
    tags: int = 1,
    claim_fields: dict | None = None,
    **draft_fields,
) -> FactCheck:
    """A published fact-check with as many sources, appearances (the first marked
    first), corrections and tags as asked: what its public page shows."""
    claim_fields = {"language": language, **(claim_fields or {})}
    factcheck = _assembled_factcheck(
        Status.PUBLISHED, claim_fields=claim_fields, **draft_fields
    )
    claim = factcheck.claim
    for n in range(1, sources):
        source(claim, url=f"https://evidence.example/{next(_seq)}", title=f"Source {n}")
    for n in range(appearances):
        Appearance.objects.create(
            claim=claim,
            article=article(language=language, title=f"Where it was said {n}"),
            quote=f"As quoted {n}",
            is_first=n == 0,
        )
    for n in range(corrections):
        correction(factcheck, note=f"Correction note {n}.")
    claim.tags.add(*(tag() for _ in range(tags)))
    make_public(claim)
    return factcheck
