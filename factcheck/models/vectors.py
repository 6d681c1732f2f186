"""Each claim's sentence vector, kept in PostgreSQL next to the claim.

Why a plain `bytea` of float32 and not pgvector: the desk runs on two
PostgreSQLs, the machine's 15 without pgvector and the embedded one with
pgvector 0.6, and no extension may be required (DESIGN.md). A 512-float
vector is 2 KiB of bytes that numpy reads without parsing (`real[]` would
arrive as Python floats, about 100x slower to load at 20,000 claims), and the
search is brute force in numpy in the process (factcheck.intake.matching):
20,000 vectors in a few milliseconds, which is what pgvector without an
index does too. An approximate index (HNSW) would pay only far beyond the
desk's size and on one of the two paths.

The row is also the job that computes the vector (it inherits `Job`): a claim
that is created, or whose text changes, sets its row waiting in the same
transaction, and Celery computes the vector after commit; the sweeper resends
a lost message like any other job's. `embedder` and `text_md5` say what the
vector was computed with and from (md5 only to notice a change: PostgreSQL
computes it without an extension, so staleness can be found in SQL).
"""

import hashlib

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from factcheck.models.claims import Claim
from factcheck.models.jobs import Job, JobState


def text_md5(text: str) -> str:
    """What PostgreSQL's md5(text) gives for the same text (UTF-8 databases)."""
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


class ClaimVector(Job):
    claim = models.OneToOneField(
        Claim, models.CASCADE, related_name="vector", verbose_name=_("claim")
    )
    # Settings' INTAKE_EMBEDDER's `name`: vectors of two embedders are not
    # comparable, so a vector of another name counts as missing.
    embedder = models.CharField(_("embedder"), max_length=100, blank=True)
    text_md5 = models.CharField(_("text digest"), max_length=32, blank=True)
    # float32, little-endian, `dimensions` of the embedder long; null until
    # the first run.
    vector = models.BinaryField(_("vector"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("claim vector")
        verbose_name_plural = _("claim vectors")
        indexes = [
            models.Index(
                fields=["state", "run_after"],
                condition=Q(state__in=("pending", "running")),
                name="claimvector_open_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=JobState.values), name="claimvector_state_valid"
            ),
            models.CheckConstraint(
                condition=~Q(state=JobState.DONE)
                | Q(vector__isnull=False, text_md5__regex=r"^[0-9a-f]{32}$")
                & ~Q(embedder=""),
                name="claimvector_done_has_vector",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id}: {self.embedder or '-'}"
