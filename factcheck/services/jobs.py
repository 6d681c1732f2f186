"""Running background jobs, and the writes that schedule or repeat them.

The Celery tasks in factcheck/tasks.py are one line each: they call run_* here,
which claim the job's row, do the work, record the outcome and say whether and when
to retry. The rows were recorded by services.outbox in the transaction that called
for them.
"""

import datetime
import logging
import random
import time
from collections.abc import Callable
from functools import partial
from smtplib import SMTPException
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from factcheck import pages, webhooks
from factcheck.fetching import FetchFailed, Refused, fetch, post
from factcheck.models import (
    PUBLISH,
    RESEARCH,
    ArchiveJob,
    ArchiveReason,
    Claim,
    ClaimVector,
    Delivery,
    DeliveryAttempt,
    EventKind,
    FactCheck,
    IntakeArticle,
    JobState,
    LinkStatus,
    Notification,
    Source,
    SourceArchive,
    Status,
    Subscriber,
    sources_needing_link_check,
)
from factcheck.pagecache import purge as purge_public_pages
from factcheck.services import notifications, outbox, vectors
from factcheck.services.audit import record, snapshot
from factcheck.services.errors import (
    Conflict,
    GuardFailed,
    InvalidTransition,
    WorkflowError,
)
from factcheck.services.records import bump, lock_claim, require
from factcheck.services.workflow import transition

logger = logging.getLogger(__name__)

ARCHIVE_MAX_ATTEMPTS = 5
NOTIFICATION_MAX_ATTEMPTS = 5
DELIVERY_MAX_ATTEMPTS = 8
EMBED_MAX_ATTEMPTS = 3
RETRY_BASE_SECONDS = 30
# Answers that mean "not now" rather than "no".
RETRYABLE_STATUSES = frozenset({408, 425, 429})
GONE_STATUSES = frozenset({404, 410, 451})
LINK_CHECK_EVERY = datetime.timedelta(days=7)
LINK_CHECK_BATCH = 200
# How late a waiting job may be before the sweeper sends it again.
SWEEP_GRACE = datetime.timedelta(minutes=2)
SWEEP_BATCH = 500


def retry_delay(attempts: int) -> float:
    """Exponential back-off with jitter: 30 s, 60 s, 120 s … capped, each between
    half and all of that, so jobs that failed together do not retry together."""
    ceiling = RETRY_BASE_SECONDS * 2 ** (attempts - 1)
    ceiling = min(settings.TASK_RETRY_BACKOFF_MAX, ceiling)
    return ceiling / 2 + random.uniform(0, ceiling / 2)  # noqa: S311 (jitter)


def _take(model: type, pk: int, lease: str):
    """Claim a job for this task run (compare-and-swap on its state), or None.

    A waiting job is free to take; a running one only by the same task id, which
    is how a message redelivered after its worker died finishes the job. Anything
    else (done, failed, or running under another message) is left alone.
    """
    now = timezone.now()
    taken = (
        model.objects.filter(pk=pk)
        .filter(Q(state=JobState.PENDING) | Q(state=JobState.RUNNING, lease=lease))
        .update(
            state=JobState.RUNNING,
            lease=lease,
            started_at=now,
            run_after=now,
            attempts=F("attempts") + 1,
        )
    )
    return model.objects.get(pk=pk) if taken else None


def _retry_or_fail(
    job, *, error: str, retryable: bool, max_attempts: int, give_up: Callable
) -> float | None:
    """Seconds until the next attempt, or None once the job has failed for good."""
    now = timezone.now()
    if retryable and job.attempts < max_attempts:
        delay = retry_delay(job.attempts)
        type(job).objects.filter(pk=job.pk, state=JobState.RUNNING).update(
            state=JobState.PENDING,
            run_after=now + datetime.timedelta(seconds=delay),
            error=error,
        )
        return delay
    with transaction.atomic():
        type(job).objects.filter(pk=job.pk).update(
            state=JobState.FAILED, finished_at=now, error=error
        )
        give_up(job)
    return None


# --- Source archives and link checks


def rearchive(source: Source, *, actor: AbstractBaseUser) -> ArchiveJob:
    """Archive the page as it is now and make that the evidence compared against.

    For a page that changed for good reason (a typo fixed, a figure updated that the
    fact-check already accounts for) or came back after an outage.
    """
    require(actor, RESEARCH, _("Only fact-checkers and editors re-archive sources."))
    with transaction.atomic():
        job = outbox.record_archive_job(
            source, reason=ArchiveReason.REARCHIVE, actor=actor
        )
        # What the archive is compared against changes once it has run: the
        # claim's history says who asked for that.
        record(
            source.claim,
            EventKind.REARCHIVE,
            actor,
            subject=source,
            data={"job": job.pk, "previous": snapshot(source, ["archived_at"])},
        )
        return job


def record_link_checks(
    *, now: datetime.datetime | None = None, limit: int = LINK_CHECK_BATCH
) -> int:
    """Record a check of each published source not checked for a week."""
    now = now or timezone.now()
    sources = sources_needing_link_check(checked_before=now - LINK_CHECK_EVERY)
    with transaction.atomic():
        jobs = ArchiveJob.objects.bulk_create(
            ArchiveJob(source=source, url=source.url, reason=ArchiveReason.CHECK)
            for source in sources[:limit]
        )
        for job in jobs:
            transaction.on_commit(
                partial(outbox.enqueue, outbox.ARCHIVE_SOURCE, ArchiveJob, job.pk)
            )
    return len(jobs)


def run_archive_job(job_id: int, *, lease: str) -> float | None:
    """Fetch the job's link and keep what it said. Returns seconds until a retry
    is due, or None when there is nothing more to do."""
    job = _take(ArchiveJob, job_id, lease)
    if job is None:
        return None
    give_up = _archive_gave_up
    if job.attempts > ARCHIVE_MAX_ATTEMPTS:
        # Taken again and again without finishing: something kills the worker.
        return _retry_or_fail(
            job,
            error=_("Stopped after %(n)d attempts.") % {"n": ARCHIVE_MAX_ATTEMPTS},
            retryable=False,
            max_attempts=ARCHIVE_MAX_ATTEMPTS,
            give_up=give_up,
        )
    try:
        fetched = fetch(job.url)
    except Refused as exc:
        error, retryable = _("Refused: %(r)s") % {"r": exc.reason}, False
    except FetchFailed as exc:
        error, retryable = exc.reason, exc.retryable
    except SoftTimeLimitExceeded:
        error, retryable = _("The page took longer than the task's time limit."), True
    else:
        if fetched.status not in RETRYABLE_STATUSES:
            _store_archive(job, fetched)
            return None
        error, retryable = f"HTTP {fetched.status}", True
    return _retry_or_fail(
        job,
        error=error,
        retryable=retryable,
        max_attempts=ARCHIVE_MAX_ATTEMPTS,
        give_up=give_up,
    )


def _store_archive(job: ArchiveJob, fetched) -> None:
    with transaction.atomic():
        # get_or_create on the one-to-one: a job that runs twice keeps one archive.
        archive, _created = SourceArchive.objects.get_or_create(
            job=job,
            defaults={
                "source_id": job.source_id,
                "requested_url": fetched.requested_url,
                "final_url": fetched.final_url,
                "status_code": fetched.status,
                "content_type": fetched.content_type,
                "sha256": fetched.sha256,
                "text": fetched.text,
                "fetched_at": fetched.fetched_at,
            },
        )
        ArchiveJob.objects.filter(pk=job.pk).update(
            state=JobState.DONE, finished_at=timezone.now(), error=""
        )
        _update_link_status(job, archive=archive)


def _archive_gave_up(job: ArchiveJob) -> None:
    _update_link_status(job, archive=None)


def _update_link_status(job: ArchiveJob, *, archive: SourceArchive | None) -> None:
    """What readers and the admin are told about a source after this job."""
    source = Source.objects.select_for_update().filter(pk=job.source_id).first()
    if source is None or source.url != job.url:
        return  # the link was changed or removed since: its own job reports
    baseline = _evidence(source, excluding=archive)
    changes: dict[str, Any] = {"checked_at": timezone.now()}
    if archive is None:
        # A link that could be archived once and now fails every retry has gone.
        status = LinkStatus.GONE if baseline else LinkStatus.FAILED
    elif archive.status_code in GONE_STATUSES:
        status = LinkStatus.GONE
    elif archive.status_code >= 400:
        status = LinkStatus.GONE if baseline else LinkStatus.FAILED
    elif baseline is None or job.reason != ArchiveReason.CHECK:
        status = LinkStatus.ARCHIVED
        changes["archived_at"] = archive.fetched_at
    elif _same_content(baseline, archive):
        status = LinkStatus.ARCHIVED
    else:
        status = LinkStatus.CHANGED
    shown = False
    if status != source.link_status:
        changes.update(link_status=status, link_status_since=timezone.now())
        shown = Claim.objects.filter(
            pk=source.claim_id, status=Status.PUBLISHED
        ).exists()
    Source.objects.filter(pk=source.pk).update(**changes)
    if shown:
        # The page says whether each source is archived and still online.
        for factcheck in FactCheck.objects.filter(claim=source.claim_id):
            pages.render_page(factcheck.pk)
        transaction.on_commit(purge_public_pages)


def _evidence(source: Source, *, excluding: SourceArchive | None):
    """The archive a fact-check relied on: the latest good capture of the current
    link made when the source was added, its link changed, or an editor asked."""
    archives = source.archives.filter(
        requested_url=source.url,
        status_code__lt=400,
        job__reason__in=(ArchiveReason.ARCHIVE, ArchiveReason.REARCHIVE),
    )
    if excluding is not None:
        archives = archives.exclude(pk=excluding.pk)
    return archives.order_by("-fetched_at", "-pk").first()


def _same_content(before: SourceArchive, after: SourceArchive) -> bool:
    # The main text, not the bytes: a page's markup, scripts and ads change on
    # every load, while what it says is what the fact-check relied on.
    if before.text or after.text:
        return before.text == after.text
    return before.sha256 == after.sha256


# --- Webhooks


def run_delivery(delivery_id: int, *, lease: str) -> float | None:
    """POST one delivery, log the attempt. Returns seconds until a retry is due,
    or None when delivered or given up."""
    delivery = _take(Delivery, delivery_id, lease)
    if delivery is None:
        return None
    subscriber = delivery.subscriber
    status, error, retryable = None, "", False
    started, clock = timezone.now(), time.monotonic()
    if not subscriber.is_active:
        error = _("The subscriber was switched off.")
    elif delivery.attempts > DELIVERY_MAX_ATTEMPTS:
        error = _("Stopped after %(n)d attempts.") % {"n": DELIVERY_MAX_ATTEMPTS}
    else:
        status, error, retryable = _post(delivery, subscriber)
    DeliveryAttempt.objects.update_or_create(
        delivery=delivery,
        number=delivery.attempts,
        defaults={
            "started_at": started,
            "duration_ms": int((time.monotonic() - clock) * 1000),
            "status_code": status,
            "error": error,
        },
    )
    if status is not None and 200 <= status < 300:
        Delivery.objects.filter(pk=delivery.pk).update(
            state=JobState.DONE,
            delivered_at=timezone.now(),
            finished_at=timezone.now(),
            error="",
        )
        return None
    return _retry_or_fail(
        delivery,
        error=error,
        retryable=retryable,
        max_attempts=DELIVERY_MAX_ATTEMPTS,
        give_up=lambda _job: None,
    )


def _post(delivery: Delivery, subscriber: Subscriber) -> tuple[int | None, str, bool]:
    body = webhooks.body_of(delivery.payload)
    headers = webhooks.signed_headers(
        secret=subscriber.secret, body=body, kind=delivery.kind, key=str(delivery.key)
    )
    try:
        answer = post(subscriber.url, body=body, headers=headers)
    except Refused as exc:
        return None, _("Refused: %(r)s") % {"r": exc.reason}, False
    except FetchFailed as exc:
        return None, exc.reason, exc.retryable
    except SoftTimeLimitExceeded:
        return None, _("The partner took longer than the task's time limit."), True
    if 200 <= answer.status < 300:
        return answer.status, "", False
    retryable = answer.status >= 500 or answer.status in RETRYABLE_STATUSES
    error = f"HTTP {answer.status}: {answer.body[:200].decode(errors='replace')}"
    return answer.status, error, retryable


def redeliver(delivery: Delivery, *, actor: AbstractBaseUser) -> None:
    """Send a failed delivery again, from its first attempt's allowance."""
    require(
        actor,
        "factcheck.change_delivery",
        _("Only administrators send deliveries again."),
    )
    with transaction.atomic():
        failed = (
            Delivery.objects.select_for_update()
            .filter(pk=delivery.pk, state=JobState.FAILED)
            .first()
        )
        sent = Delivery.objects.filter(pk=delivery.pk, state=JobState.FAILED).update(
            state=JobState.PENDING, attempts=0, run_after=timezone.now(), lease=""
        )
        if sent:
            previous = ("state", "attempts", "error", "finished_at")
            record(
                None,
                EventKind.REDELIVER,
                actor,
                subject=failed,
                data={"previous": snapshot(failed, previous)},
            )
        else:
            # Waiting or running, it will be sent anyway; delivered, it was.
            raise GuardFailed(
                _(
                    "only a failed delivery is (this one is waiting, running or "
                    "delivered)."
                )
            )
        transaction.on_commit(
            partial(outbox.enqueue, outbox.DELIVER_WEBHOOK, Delivery, delivery.pk)
        )


# --- Notifications by e-mail


def run_notification_email(notification_id: int, *, lease: str) -> float | None:
    """E-mail one notification. Returns seconds until a retry is due, or None.

    Sent once: the job is taken by compare-and-swap, so a duplicate or
    redelivered message finds it done and sends nothing.
    """
    notification = _take(Notification, notification_id, lease)
    if notification is None:
        return None
    recipient = notification.recipient
    if not recipient.email or not recipient.is_active:
        _finish_notification(notification, error=_("No e-mail address to send to."))
        return None
    subject, body = notifications.email_for(notification)
    try:
        send_mail(subject, body, None, [recipient.email])
    except (OSError, SMTPException) as exc:  # a refused or unreachable server
        return _retry_or_fail(
            notification,
            error=str(exc) or type(exc).__name__,
            retryable=True,
            max_attempts=NOTIFICATION_MAX_ATTEMPTS,
            give_up=lambda _job: None,
        )
    _finish_notification(notification, emailed=True)
    return None


def _finish_notification(
    notification: Notification, *, error: str = "", emailed: bool = False
) -> None:
    now = timezone.now()
    Notification.objects.filter(pk=notification.pk).update(
        state=JobState.DONE,
        finished_at=now,
        emailed_at=now if emailed else None,
        error=error,
    )


# --- Scheduled publication


def schedule_publication(
    claim: Claim,
    *,
    actor: AbstractBaseUser,
    publish_at: datetime.datetime | None,
    expected_version: int | None = None,
) -> Claim:
    """Set (or, with None, cancel) the time an approved fact-check goes out."""
    require(actor, PUBLISH, _("Only editors who may publish schedule publication."))
    with transaction.atomic(durable=True):
        locked = lock_claim(claim, expected_version)
        if locked.status != Status.APPROVED:
            raise GuardFailed(_("Only an approved fact-check can be scheduled."))
        if publish_at is not None and publish_at <= timezone.now():
            raise GuardFailed(
                _("Choose a time in the future; to publish now, publish it.")
            )
        FactCheck.objects.filter(claim=locked).update(
            publish_at=publish_at,
            publish_scheduled_by=actor if publish_at else None,
        )
        bump(locked)
        record(
            locked,
            EventKind.EDIT,
            actor,
            data={"publish_at": publish_at.isoformat() if publish_at else None},
        )
    claim.refresh_from_db()
    return claim


def publish_due(*, now: datetime.datetime | None = None) -> list[Claim]:
    """Publish every approved fact-check whose time has come, as the editor who
    scheduled it, through the same transition as the admin's Publish button.

    Two schedulers racing cannot publish twice: transition() locks the claim and
    checks its version, so the second finds it already moved and is refused.
    """
    now = now or timezone.now()
    due = (
        Claim.objects.filter(status=Status.APPROVED, factcheck__publish_at__lte=now)
        .select_related("factcheck__publish_scheduled_by")
        .order_by("factcheck__publish_at", "pk")
    )
    published = []
    for claim in due:
        editor = claim.factcheck.publish_scheduled_by
        try:
            published.append(
                transition(
                    claim,
                    to=Status.PUBLISHED,
                    actor=editor,
                    note=_("Published at the scheduled time."),
                )
            )
        except (Conflict, InvalidTransition):
            continue  # someone else moved it first
        except WorkflowError as exc:
            _unschedule(claim, reason=exc.message)
    return published


def _unschedule(claim: Claim, *, reason: str) -> None:
    """A scheduled publication that its guard refuses is cancelled, and the claim's
    history says why, rather than being retried every minute for ever."""
    with transaction.atomic():
        FactCheck.objects.filter(claim=claim).update(
            publish_at=None, publish_scheduled_by=None
        )
        record(
            claim,
            EventKind.EDIT,
            None,
            note=_("Scheduled publication cancelled: %(r)s") % {"r": reason},
            data={"publish_at": None},
        )
    logger.warning("claim %s: scheduled publication refused: %s", claim.pk, reason)


# --- Claims' vectors


def run_embedding_job(row_id: int, *, lease: str) -> float | None:
    """Compute and store a claim's vector. Returns seconds until a retry is
    due, or None when there is nothing more to do."""
    job = _take(ClaimVector, row_id, lease)
    if job is None:
        return None
    if job.attempts > EMBED_MAX_ATTEMPTS:
        return _retry_or_fail(
            job,
            error=_("Stopped after %(n)d attempts.") % {"n": EMBED_MAX_ATTEMPTS},
            retryable=False,
            max_attempts=EMBED_MAX_ATTEMPTS,
            give_up=_no_vector,
        )
    try:
        vectors.store_vector(job, lease=lease)
    except SoftTimeLimitExceeded:
        error = _("Embedding took longer than the task's time limit.")
    except Exception as exc:  # the embedder is a plug-in: whatever it raises
        logger.exception("claim vector %s could not be computed", job.pk)
        error = str(exc)[:2000]
    else:
        return None
    return _retry_or_fail(
        job,
        error=error,
        retryable=True,
        max_attempts=EMBED_MAX_ATTEMPTS,
        give_up=_no_vector,
    )


def _no_vector(job: ClaimVector) -> None:
    # Nobody to tell: matching embeds such a claim on the fly, and the
    # backfill command computes it again.
    pass


# --- The sweeper

JOB_TASKS = (
    (ArchiveJob, outbox.ARCHIVE_SOURCE),
    (Delivery, outbox.DELIVER_WEBHOOK),
    (Notification, outbox.EMAIL_NOTIFICATION),
    (IntakeArticle, outbox.PROCESS_INTAKE_ARTICLE),
    (ClaimVector, outbox.EMBED_CLAIM),
)


def sweep(*, now: datetime.datetime | None = None) -> int:
    """Send again every job whose message was lost: recorded while the broker was
    down, or held by a worker that died. Returns how many were sent."""
    now = now or timezone.now()
    # A running job older than the hard time limit has no live worker any more.
    stale = datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT) + SWEEP_GRACE
    sent = 0
    for model, task_name in JOB_TASKS:
        stuck = model.objects.filter(state=JobState.RUNNING, started_at__lt=now - stale)
        stuck.update(
            state=JobState.PENDING,
            lease="",
            run_after=now - SWEEP_GRACE - datetime.timedelta(seconds=1),
            error=_("Its worker stopped before finishing; sent again."),
        )
        overdue = model.objects.filter(
            state=JobState.PENDING, run_after__lt=now - SWEEP_GRACE
        ).values_list("pk", flat=True)[:SWEEP_BATCH]
        for pk in list(overdue):
            # Due again only after another grace period, so one slow broker does
            # not get the same job from every sweep.
            model.objects.filter(pk=pk).update(run_after=now)
            outbox.enqueue(task_name, model, pk)
            sent += 1
    return sent
