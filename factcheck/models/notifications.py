"""Notifications: a colleague told that a claim needs them or moved on. Each row
is also the job that e-mails it (the outbox, as for webhook deliveries): written
with the change, sent after commit, sent again by the sweeper if its message was
lost, and sent once, because the job is taken by compare-and-swap."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from factcheck.models.claims import Claim
from factcheck.models.events import Event
from factcheck.models.jobs import Job, JobState


class NotificationKind(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned to you")
    REVIEW = "review", _("Sent for your review")
    SENT_BACK = "sent_back", _("Sent back to you")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(recipient=user).select_related("claim", "event__actor")

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(Job):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    claim = models.ForeignKey(
        Claim, models.CASCADE, related_name="+", verbose_name=_("claim")
    )
    event = models.ForeignKey(
        Event, models.PROTECT, related_name="notifications", verbose_name=_("event")
    )
    kind = models.CharField(
        _("what happened"), max_length=20, choices=NotificationKind.choices
    )
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
            models.Index(
                fields=["state", "run_after"],
                condition=Q(state__in=("pending", "running")),
                name="notification_open_idx",
            ),
        ]
        constraints = [
            # One notice per person per event, however often the event is seen.
            models.UniqueConstraint(
                fields=["recipient", "event"], name="one_notification_per_event"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=NotificationKind.values),
                name="notification_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(state__in=JobState.values),
                name="notification_state_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.claim}"
