"""API keys: a newsroom system's key to the API, acting as one user."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from factcheck.fields import CleanCharField


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    """A newsroom system's key to the API, acting as one user with that user's role.

    Only a SHA-256 of the key is stored: the key is shown once, when it is issued.
    The key is 32 random bytes, so a fast hash is enough; nothing to brute-force.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("account"),
    )
    name = CleanCharField(
        _("name"), max_length=100, help_text=_("What uses it, e.g. “CMS importer”.")
    )
    prefix = models.CharField(_("key starts with"), max_length=8, editable=False)
    key_hash = models.CharField(
        max_length=64, unique=True, editable=False, verbose_name=_("key hash")
    )
    created_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("issued")
    )
    last_used_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("last used")
    )
    revoked_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("revoked")
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name_plural = _("API tokens")
        verbose_name = _("API token")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(key_hash__regex=r"^[0-9a-f]{64}$"),
                name="api_token_hash_is_sha256",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
