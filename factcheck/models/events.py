"""The audit trail: one Event row for every workflow move and every other
write by a person.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from factcheck.fields import CleanCharField, CleanTextField, clean_text_constraint
from factcheck.models.claims import Claim
from factcheck.models.workflow import Status


class EventKind(models.TextChoices):
    CREATE = "create", _("Created")
    TRANSITION = "transition", _("Status change")
    EDIT = "edit", _("Edit")
    ASSIGN = "assign", _("Assignment")
    CORRECTION = "correction", _("Correction")
    DELETE = "delete", _("Removed")
    REVOKE = "revoke", _("Revoked")
    REARCHIVE = "rearchive", _("Re-archive asked for")
    REDELIVER = "redeliver", _("Sent again")
    NOTE = "note", _("Internal note")


class EventQuerySet(models.QuerySet):
    def about(self, subject: models.Model):
        """The history of one thing: its own writes, not its claim's."""
        return self.filter(
            subject_type=ContentType.objects.get_for_model(subject),
            subject_id=subject.pk,
        )


class Event(models.Model):
    """One row for every workflow transition and every other write by a person:
    who, what, when, and the values the write replaced (`data["previous"]`).

    Everything a claim's page shows (the claim, its draft, appearances and
    sources) is recorded with the claim, so the claim's history tells the whole
    story; `subject` names the thing written when it is not the claim itself.
    Writes to reference data, API keys and deliveries have a subject and no claim.
    """

    claim = models.ForeignKey(
        Claim,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("claim"),
    )
    # No foreign key can point at "any model"; the name is kept as it was when
    # written, so the history still reads after the subject is deleted.
    subject_type = models.ForeignKey(
        ContentType,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kind of record"),
    )
    subject_id = models.PositiveBigIntegerField(
        null=True, blank=True, verbose_name=_("record number")
    )
    subject = GenericForeignKey("subject_type", "subject_id")
    subject_name = CleanCharField(_("record"), max_length=200, blank=True)
    kind = models.CharField(
        max_length=20, choices=EventKind.choices, verbose_name=_("what")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    from_status = models.CharField(
        max_length=20, choices=Status.choices, blank=True, verbose_name=_("from")
    )
    to_status = models.CharField(
        max_length=20, choices=Status.choices, blank=True, verbose_name=_("to")
    )
    note = CleanTextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True, verbose_name=_("details"))
    created_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("when")
    )

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("history entry")
        verbose_name_plural = _("history entries")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["claim", "-created_at"], name="event_claim_idx"),
            models.Index(
                fields=["subject_type", "subject_id", "-created_at"],
                condition=Q(subject_type__isnull=False),
                name="event_subject_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=EventKind.TRANSITION)
                | (~Q(from_status="") & ~Q(to_status="") & Q(claim__isnull=False)),
                name="transition_event_has_statuses",
            ),
            models.CheckConstraint(
                condition=Q(claim__isnull=False)
                | Q(subject_type__isnull=False, subject_id__isnull=False),
                name="event_is_about_something",
            ),
            models.CheckConstraint(
                condition=Q(subject_type__isnull=True, subject_id__isnull=True)
                | Q(subject_type__isnull=False, subject_id__isnull=False),
                name="event_subject_complete",
            ),
            *clean_text_constraint("event", "note", "subject_name"),
        ]

    def __str__(self) -> str:
        actor = self.actor or _("the desk")
        if self.kind == EventKind.TRANSITION:
            moved = f"{self.get_from_status_display()} → {self.get_to_status_display()}"
            return f"{actor}: {moved}"
        return f"{actor}: {self.get_kind_display()}"
