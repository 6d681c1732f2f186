"""Telling colleagues: a notification when a claim is assigned to someone, sent
for their review, sent back to them, approved or published.

Recorded in the transaction of the change (the outbox): one row per person per
event, shown in the admin, and e-mailed after commit by a background job
(services.jobs.run_notification_email), so a rolled-back change tells nobody
and a lost message is sent by the sweeper.
"""

from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from factcheck.models import (
    APPROVE,
    Claim,
    Event,
    FactCheck,
    Notification,
    NotificationKind,
    Status,
)
from factcheck.services import outbox

# The move, and who hears of it (besides the person who made it, who never does).
KIND_OF_MOVE = {
    Status.IN_REVIEW: NotificationKind.REVIEW,
    Status.APPROVED: NotificationKind.APPROVED,
    Status.PUBLISHED: NotificationKind.PUBLISHED,
}


def notify_transition(claim: Claim, event: Event) -> list[Notification]:
    """Called by services.transition() with the move's Event."""
    if event.to_status == Status.IN_RESEARCH and event.from_status in (
        Status.IN_REVIEW,
        Status.APPROVED,
    ):
        kind = NotificationKind.SENT_BACK
    else:
        kind = KIND_OF_MOVE.get(event.to_status)
    if kind is None:
        return []
    if kind == NotificationKind.REVIEW:
        recipients = _reviewers(claim)
    else:
        recipients = _the_claims_people(claim)
    return _record(recipients, claim=claim, event=event, kind=kind)


def notify_assignment(
    claim: Claim, event: Event, assignee: AbstractBaseUser | None
) -> list[Notification]:
    """Called by services.assign(); taking a claim yourself tells nobody."""
    if assignee is None:
        return []
    return _record([assignee], claim=claim, event=event, kind=NotificationKind.ASSIGNED)


def _reviewers(claim: Claim) -> list[AbstractBaseUser]:
    """Everyone who may approve and did not write the draft (four eyes)."""
    authors = FactCheck.authors.through.objects.filter(factcheck__claim=claim)
    return list(
        get_user_model()
        # Roles are groups with permissions: Django's own backend answers.
        .objects.with_perm(
            APPROVE,
            include_superusers=False,
            backend="django.contrib.auth.backends.ModelBackend",
        )
        .filter(is_active=True, is_staff=True)
        .exclude(pk__in=authors.values("user_id"))
    )


def _the_claims_people(claim: Claim) -> list[AbstractBaseUser]:
    """Whose work it is: the draft's authors and the claim's assignee."""
    people = {}
    draft = FactCheck.objects.filter(claim=claim).first()
    if draft is not None:
        people.update({u.pk: u for u in draft.authors.all()})
    if claim.assignee_id:
        people[claim.assignee_id] = claim.assignee
    return list(people.values())


def _record(recipients, *, claim: Claim, event: Event, kind: str) -> list[Notification]:
    made = Notification.objects.bulk_create(
        Notification(recipient=user, claim=claim, event=event, kind=kind)
        for user in recipients
        if user.pk != event.actor_id and user.is_active
    )
    for notification in made:
        transaction.on_commit(
            partial(
                outbox.enqueue,
                outbox.EMAIL_NOTIFICATION,
                Notification,
                notification.pk,
            )
        )
    return made


def email_for(notification: Notification) -> tuple[str, str]:
    """The subject and body of a notification's e-mail, in the desk's language."""
    event, claim = notification.event, notification.claim
    link = settings.SITE_URL + reverse("admin:factcheck_claim_change", args=[claim.pk])
    with override(settings.LANGUAGE_CODE):
        subject = _("[%(desk)s] Claim %(pk)d: %(what)s") % {
            "desk": settings.NEWSROOM_NAME,
            "pk": claim.pk,
            "what": notification.get_kind_display(),
        }
        lines = [
            _("%(who)s: %(what)s.")
            % {
                "who": event.actor or _("The desk"),
                "what": notification.get_kind_display(),
            },
            "",
            claim.text,
        ]
        if event.note:
            lines += ["", _("Note: %(note)s") % {"note": event.note}]
        lines += ["", link]
    return subject, "\n".join(lines)
