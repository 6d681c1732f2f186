"""Internal notes: the desk's conversation about a claim. Never public: no page,
feed, sitemap or public API reads this table."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from factcheck.fields import CleanTextField, clean_text_constraint
from factcheck.models.claims import Claim

NOTE_MAX_LENGTH = 5_000


class NoteQuerySet(models.QuerySet):
    def thread(self, claim: Claim):
        """A claim's notes, oldest first, with their authors: one query."""
        return (
            self.filter(claim=claim)
            .select_related("author")
            .order_by("created_at", "pk")
        )


class Note(models.Model):
    claim = models.ForeignKey(
        Claim, models.PROTECT, related_name="notes", verbose_name=_("claim")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    text = CleanTextField(_("note"), max_length=NOTE_MAX_LENGTH)
    created_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("created at")
    )

    objects = NoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="note_not_empty"),
            *clean_text_constraint("note", "text"),
        ]

    def __str__(self) -> str:
        return self.text if len(self.text) <= 60 else self.text[:59] + "…"
