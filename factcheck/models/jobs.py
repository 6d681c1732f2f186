"""Background work: each job is a row before it is a message.

A job is written in the same transaction as the change that calls for it (the
outbox), then handed to Celery after commit. A job whose message was lost (a broker
down at commit, a worker killed) is still in the table, where the sweeper finds it;
a job run twice finds its own row already done. Rules for running them live in
factcheck/services/jobs.py; the Celery tasks in factcheck/tasks.py only call those.
"""

import datetime
import secrets
import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from factcheck.fields import (
    CleanCharField,
    HttpURLField,
    clean_text_constraint,
    validate_public_address,
)
from factcheck.models.events import Event
from factcheck.models.evidence import Source
from factcheck.models.workflow import Status


class JobState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


OPEN_JOB_STATES = (JobState.PENDING, JobState.RUNNING)


class Job(models.Model):
    state = models.CharField(
        _("state"), max_length=10, choices=JobState.choices, default=JobState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # When the job is next due: now for a new job, later for a retry's back-off.
    run_after = models.DateTimeField(default=timezone.now, verbose_name=_("due"))
    enqueued_at = models.DateTimeField(null=True, blank=True, verbose_name=_("queued"))
    started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("started"))
    finished_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("finished")
    )
    # The Celery task id holding the job while it runs. A redelivered message
    # (its worker died) carries the same id and may take the job over; a
    # duplicate message from the sweeper does not.
    lease = models.CharField(max_length=64, blank=True, verbose_name=_("lease"))
    error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("created")
    )

    class Meta:
        abstract = True


class ArchiveReason(models.TextChoices):
    ARCHIVE = "archive", _("Source added or its link changed")
    CHECK = "check", _("Link check")
    REARCHIVE = "rearchive", _("Re-archive asked for")


class ArchiveJob(Job):
    """One fetch of a source's link, to archive it or to check it is still there."""

    source = models.ForeignKey(
        Source, models.CASCADE, related_name="archive_jobs", verbose_name=_("source")
    )
    # The link as it was when the job was recorded: a later edit records a new job.
    url = HttpURLField(_("link"))
    reason = models.CharField(_("why"), max_length=10, choices=ArchiveReason.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("asked for by"),
    )

    class Meta:
        verbose_name = _("archive job")
        verbose_name_plural = _("archive jobs")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["state", "run_after"],
                condition=Q(state__in=("pending", "running")),
                name="archivejob_open_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=JobState.values), name="archivejob_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(reason__in=ArchiveReason.values),
                name="archivejob_reason_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.url}"


def sources_needing_link_check(*, checked_before: datetime.datetime):
    """Sources of published fact-checks not checked since `checked_before`,
    with no archive job already open for them."""
    open_job = ArchiveJob.objects.filter(
        source=models.OuterRef("pk"), state__in=OPEN_JOB_STATES
    )
    return (
        Source.objects.filter(claim__status=Status.PUBLISHED, archived_at__isnull=False)
        .filter(Q(checked_at__isnull=True) | Q(checked_at__lt=checked_before))
        .exclude(models.Exists(open_job))
        .order_by(models.F("checked_at").asc(nulls_first=True), "pk")
    )


class SourceArchive(models.Model):
    """What a source's page said when the desk fetched it: evidence that outlives
    link rot. One per job, so a job that runs twice stores one archive."""

    source = models.ForeignKey(
        Source, models.CASCADE, related_name="archives", verbose_name=_("source")
    )
    job = models.OneToOneField(
        ArchiveJob, models.CASCADE, related_name="archive", verbose_name=_("job")
    )
    requested_url = models.URLField(max_length=2000, verbose_name=_("requested link"))
    final_url = models.URLField(_("final link"), max_length=2000)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"))
    content_type = models.CharField(_("content type"), max_length=100)
    sha256 = models.CharField(_("SHA-256 of the page"), max_length=64)
    text = models.TextField(_("main text"), blank=True)
    fetched_at = models.DateTimeField(_("fetched"))

    class Meta:
        verbose_name = _("source archive")
        verbose_name_plural = _("source archives")
        ordering = ["-fetched_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"),
                name="archive_sha256_is_hex",
            ),
            models.CheckConstraint(
                condition=Q(status_code__gte=100, status_code__lte=599),
                name="archive_status_is_http",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.final_url} ({self.status_code}, {self.fetched_at:%Y-%m-%d})"


class WebhookEvent(models.TextChoices):
    PUBLISHED = "factcheck.published", _("Fact-check published")
    CORRECTED = "factcheck.corrected", _("Fact-check corrected")
    RETRACTED = "factcheck.retracted", _("Fact-check retracted")


def new_webhook_secret() -> str:
    return secrets.token_urlsafe(32)


class Subscriber(models.Model):
    """A partner told by webhook when the desk publishes, corrects or retracts."""

    name = CleanCharField(_("name"), max_length=100)
    url = HttpURLField(
        _("webhook link"),
        help_text=_("Must be a public https or http address on port 443 or 80."),
        validators=[validate_public_address],
    )
    # Shared with the partner, who verifies each delivery's HMAC-SHA256 with it.
    # Stored as is: signing needs the secret itself, not a hash of it.
    secret = models.CharField(
        _("signing secret"), max_length=64, default=new_webhook_secret
    )
    events = ArrayField(
        models.CharField(max_length=30, choices=WebhookEvent.choices),
        verbose_name=_("events"),
        default=list,
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("created")
    )

    class Meta:
        verbose_name = _("webhook subscriber")
        verbose_name_plural = _("webhook subscribers")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(events__contained_by=WebhookEvent.values)
                & Q(events__len__gte=1),
                name="subscriber_events_known",
            ),
            models.CheckConstraint(
                condition=Q(url__regex=r"^https?://"), name="subscriber_url_http"
            ),
            models.CheckConstraint(
                condition=Q(secret__regex=r"^.{32,}$"),  # noqa: S106 (a length rule)
                name="subscriber_secret_long_enough",
            ),
            *clean_text_constraint("subscriber", "name", "url"),
        ]

    def __str__(self) -> str:
        return self.name


class Delivery(Job):
    """One event sent to one subscriber, recorded with the event it reports."""

    subscriber = models.ForeignKey(
        Subscriber,
        models.CASCADE,
        related_name="deliveries",
        verbose_name=_("subscriber"),
    )
    event = models.ForeignKey(
        Event,
        models.PROTECT,
        related_name="deliveries",
        verbose_name=_("history entry"),
    )
    kind = models.CharField(_("event"), max_length=30, choices=WebhookEvent.choices)
    # Receivers use it to ignore a delivery they already processed.
    key = models.UUIDField(_("delivery id"), default=uuid.uuid4, unique=True)
    # Written with the event, so a retry sends what was true when it happened.
    payload = models.JSONField(verbose_name=_("payload"))
    delivered_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("delivered")
    )

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["state", "run_after"],
                condition=Q(state__in=("pending", "running")),
                name="delivery_open_idx",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "event"], name="one_delivery_per_event"
            ),
            models.CheckConstraint(
                condition=Q(state__in=JobState.values), name="delivery_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=WebhookEvent.values), name="delivery_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.subscriber}"


class DeliveryAttempt(models.Model):
    """One POST of a delivery: what the partner answered, or why it failed."""

    delivery = models.ForeignKey(
        Delivery, models.CASCADE, related_name="attempt_log", verbose_name=_("delivery")
    )
    number = models.PositiveSmallIntegerField(verbose_name=_("attempt"))
    started_at = models.DateTimeField(verbose_name=_("started"))
    duration_ms = models.PositiveIntegerField(verbose_name=_("duration (ms)"))
    status_code = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=_("HTTP status")
    )
    error = models.TextField(blank=True, verbose_name=_("error"))

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["delivery", "number"], name="one_row_per_attempt"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.number}: {self.status_code or self.error}"


# The beat entry whose task the worker answers (factcheck.tasks.heartbeat): its
# last run says the worker is taking what the clock sends.
HEARTBEAT = "heartbeat"
# A job is late when this many of its intervals have passed without a send: one
# missed beat is a busy moment, two a stopped clock.
LATE_AFTER_INTERVALS = 2


class PeriodicJobQuerySet(models.QuerySet):
    def record_scheduled(self, names_and_tasks: dict[str, str], *, at) -> None:
        """Beat starting with these jobs: a new one is due from now on, not late."""
        for name, task in names_and_tasks.items():
            self.get_or_create(name=name, defaults={"task": task, "since": at})

    def record_sent(self, name: str, *, task: str, at) -> None:
        self.update_or_create(
            name=name,
            defaults={"task": task, "last_sent_at": at},
            create_defaults={"task": task, "last_sent_at": at, "since": at},
        )

    def record_run(self, name: str, *, at) -> None:
        self.filter(name=name).update(last_run_at=at)


class PeriodicJob(models.Model):
    """A job of celery beat's schedule (settings.CELERY_BEAT_SCHEDULE, keyed by
    `name`) and when it last went out. Beat writes the row when it starts and on
    every send, so a stopped clock shows as a late row, not as silence."""

    name = models.CharField(_("job"), max_length=100, unique=True)
    task = models.CharField(_("task"), max_length=200)
    since = models.DateTimeField(_("in beat's schedule since"))
    last_sent_at = models.DateTimeField(_("last sent by beat"), null=True)
    last_run_at = models.DateTimeField(_("last run by a worker"), null=True)

    objects = PeriodicJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs (the clock)")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def every(self) -> datetime.timedelta | None:
        """How often beat sends it; None once it has left the schedule."""
        entry = settings.CELERY_BEAT_SCHEDULE.get(self.name)
        return datetime.timedelta(seconds=entry["schedule"]) if entry else None

    def is_late(self, now: datetime.datetime) -> bool:
        every = self.every
        since = self.last_sent_at or self.since
        return every is not None and now - since > LATE_AFTER_INTERVALS * every

    def worker_is_late(self, now: datetime.datetime) -> bool:
        """The heartbeat sent but not run in time: no worker takes the jobs."""
        every = self.every
        if self.name != HEARTBEAT or every is None:
            return False
        since = self.last_run_at or self.last_sent_at or self.since
        return now - since > LATE_AFTER_INTERVALS * every
