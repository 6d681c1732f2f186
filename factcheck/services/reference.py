"""Reference data staff edit (ratings, claimants, tags, outlets, articles)."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet

from factcheck import pages
from factcheck.models import Article, Claimant, EventKind, FactCheck, Outlet, Tag
from factcheck.pagecache import purge as purge_public_pages
from factcheck.services.audit import editable_fields, record, snapshot


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
        pages.forget_pages(showing(instance))
        record_saved(instance, stored=stored, names=names, actor=actor)
        transaction.on_commit(purge_public_pages)


def record_saved(instance, *, stored, names, actor: AbstractBaseUser) -> None:
    """The Event of a staff edit: "created", or the fields that changed and what
    they said before (`stored` is the row as it was, None for a new one)."""
    if stored is None:
        record(None, EventKind.CREATE, actor, subject=instance)
        return
    before, after = snapshot(stored, names), snapshot(instance, names)
    changed = sorted(k for k in names if before[k] != after[k])
    if changed:
        record(
            None,
            EventKind.EDIT,
            actor,
            subject=instance,
            data={"fields": changed, "previous": {k: before[k] for k in changed}},
        )


def delete_reference(instance, *, actor: AbstractBaseUser) -> None:
    with transaction.atomic():
        record(
            None,
            EventKind.DELETE,
            actor,
            subject=instance,
            data={"previous": snapshot(instance, editable_fields(instance))},
        )
        pages.forget_pages(showing(instance))
        instance.delete()
        transaction.on_commit(purge_public_pages)


def showing(instance) -> QuerySet[FactCheck]:
    """The fact-checks whose stored pages show this claimant, tag, outlet or
    article; every one for a rating, whose scale every ClaimReview states."""
    paths = {
        Claimant: "claim__claimant",
        Tag: "claim__tags",
        Outlet: "claim__appearances__article__outlet",
        Article: "claim__appearances__article",
    }
    path = paths.get(type(instance))
    if path is None:
        return FactCheck.objects.all()
    return FactCheck.objects.filter(**{path: instance.pk})
