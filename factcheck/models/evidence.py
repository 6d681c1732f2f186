"""The sources a fact-check relies on, and what became of their links."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from factcheck.fields import (
    CleanCharField,
    CleanTextField,
    HttpURLField,
    clean_text_constraint,
)
from factcheck.models.claims import Claim


class SourceKind(models.TextChoices):
    PRIMARY = "primary", _("Primary document")
    OFFICIAL_DATA = "official_data", _("Official data")
    STATEMENT = "statement", _("Statement")
    NEWS = "news", _("News report")
    EXPERT = "expert", _("Expert")
    OTHER = "other", _("Other")


class Stance(models.TextChoices):
    SUPPORTS = "supports", _("Supports the claim")
    REFUTES = "refutes", _("Refutes the claim")
    CONTEXT = "context", _("Gives context")


class LinkStatus(models.TextChoices):
    PENDING = "pending", _("Not archived yet")
    ARCHIVED = "archived", _("Archived")
    CHANGED = "changed", _("Changed since archived")
    GONE = "gone", _("No longer online")
    FAILED = "failed", _("Could not be archived")


class Source(models.Model):
    claim = models.ForeignKey(
        Claim, models.CASCADE, related_name="sources", verbose_name=_("claim")
    )
    url = HttpURLField(_("link"))
    title = CleanCharField(_("title"), max_length=500)
    publisher = CleanCharField(_("publisher"), max_length=200, blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=SourceKind.choices, default=SourceKind.OTHER
    )
    excerpt = CleanTextField(_("excerpt relied on"), blank=True)
    stance = models.CharField(
        _("stance"), max_length=10, choices=Stance.choices, default=Stance.CONTEXT
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("added")
    )
    # Kept up to date by the archive jobs (services.run_archive_job), so the public
    # page and the admin filter read them without joining the archives.
    link_status = models.CharField(
        _("link"),
        max_length=10,
        choices=LinkStatus.choices,
        default=LinkStatus.PENDING,
        editable=False,
    )
    link_status_since = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("link status since")
    )
    archived_at = models.DateTimeField(
        _("archived"), null=True, blank=True, editable=False
    )
    checked_at = models.DateTimeField(
        _("link last checked"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["pk"]
        indexes = [models.Index(fields=["link_status"], name="source_link_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=SourceKind.values), name="source_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(link_status__in=LinkStatus.values),
                name="source_link_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(stance__in=Stance.values), name="source_stance_valid"
            ),
            models.CheckConstraint(
                condition=Q(url__regex=r"^https?://"),
                name="source_url_http",
            ),
            *clean_text_constraint("source", "url", "title", "publisher", "excerpt"),
        ]

    def __str__(self) -> str:
        return self.title
