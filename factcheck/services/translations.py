"""Linking a fact-check to the same fact-check in the other language.

The link is stored on both rows, so either side reads it without a second query;
this is the one function that writes it, and it keeps the two sides in step.
What readers see of it (the switcher, the alternates, the sitemap, the API,
ClaimReview) is read through `FactCheck.objects.with_published_translation()`,
which shows a link only when both fact-checks are published.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from factcheck import pages
from factcheck.models import PUBLISH, EventKind, FactCheck
from factcheck.pagecache import purge as purge_public_pages
from factcheck.services.audit import record
from factcheck.services.errors import GuardFailed, NotAllowed


def link_translation(
    factcheck: FactCheck,
    *,
    translation: FactCheck | None,
    actor: AbstractBaseUser,
) -> None:
    """Make `translation` the other-language version of `factcheck`, both ways
    (None unlinks it). A fact-check has one translation: whatever either of the
    two was linked to before is unlinked, and each change is in its claim's
    history. Only an editor who may publish links what readers will follow."""
    if actor is None or not actor.has_perm(PUBLISH):
        raise NotAllowed(_("Only an editor links a fact-check to its translation."))
    if translation is not None:
        if translation.pk == factcheck.pk:
            raise GuardFailed(_("A fact-check cannot be its own translation."))
        if translation.language == factcheck.language:
            raise GuardFailed(
                _("A translation is in the other language: both are in %(language)s.")
                % {"language": factcheck.get_language_display()}
            )
    with transaction.atomic():
        pair = {factcheck.pk} | ({translation.pk} if translation else set())
        # Every row whose link changes, locked in one order so two editors
        # linking crossing pairs cannot deadlock.
        rows = {
            row.pk: row
            for row in FactCheck.objects.select_for_update()
            .filter(Q(pk__in=pair) | Q(translation__in=pair))
            .order_by("pk")
        }
        wanted = {factcheck.pk: translation.pk if translation else None}
        if translation is not None:
            wanted[translation.pk] = factcheck.pk
        changing = [r for r in rows.values() if r.translation_id != wanted.get(r.pk)]
        # Unlinked first: a fact-check is the translation of at most one other
        # (a unique column), and the new pair may still be held by old partners.
        FactCheck.objects.filter(pk__in=[r.pk for r in changing]).update(
            translation=None
        )
        for row in changing:
            target = wanted.get(row.pk)
            if target is not None:
                FactCheck.objects.filter(pk=row.pk).update(translation_id=target)
            record(
                row.claim,
                EventKind.EDIT,
                actor,
                subject=row,
                data={
                    "fields": ["translation"],
                    "previous": {"translation": row.translation_id},
                },
            )
        # A stored page's ClaimReview names the translation, or not: redrawn.
        pages.forget_pages(FactCheck.objects.filter(pk__in=list(rows)))
        transaction.on_commit(purge_public_pages)
    factcheck.refresh_from_db(fields=["translation"])
    if translation is not None:
        translation.refresh_from_db(fields=["translation"])
