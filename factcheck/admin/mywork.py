"""“My work” on the admin index: what waits for the person signed in."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from factcheck.models import APPROVE, RESEARCH, Claim, Notification

MY_WORK_LISTS = [
    ("assigned", _("Assigned to me")),
    ("review", _("Waiting for my review")),
    ("sent_back", _("Sent back to me")),
]


@dataclass(frozen=True)
class WorkList:
    label: str
    count: int
    url: str


def my_work(user: AbstractBaseUser) -> list[WorkList]:
    """The three lists, each counted and linked to the queue filtered to it (the
    queue's "my work" filter calls the same QuerySet methods). Nothing for a
    person who does no editorial work; "waiting for my review" only for those
    who may approve."""
    if not user.has_perm(RESEARCH):
        return []
    counts = Claim.objects.work_counts(user)
    queue = reverse("admin:factcheck_claim_changelist")
    lists = [
        WorkList(label, counts[key], f"{queue}?{urlencode({'mywork': key})}")
        for key, label in MY_WORK_LISTS
        if key != "review" or user.has_perm(APPROVE)
    ]
    unread = Notification.objects.for_user(user).unread().count()
    inbox = reverse("admin:factcheck_notification_changelist")
    lists.append(WorkList(_("Unread notifications"), unread, f"{inbox}?unread=yes"))
    return lists
