"""Small factory functions: each makes one valid row, overridable by keyword."""

import itertools

from django.contrib.auth.models import Group, User
from django.utils import timezone

from factcheck import services
from factcheck.models import (
    Article,
    Claim,
    Claimant,
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
    placed = claim(status, **fields)
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
    return placed


def tag(**fields) -> Tag:
    n = next(_seq)
    fields.setdefault("name", f"tag {n}")
    fields.setdefault("slug", f"tag-{n}")
    return Tag.objects.create(**fields)
