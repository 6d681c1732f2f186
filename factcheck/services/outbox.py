"""Recording background jobs: the outbox.

Called inside the transaction of the change that calls for a job. The job's row is
written in that transaction and its message sent only after commit, so a rollback
sends nothing and a broker that is down loses nothing (see services.jobs.sweep).
"""

import logging
from functools import partial

from celery import current_app
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from factcheck import webhooks
from factcheck.models import (
    ArchiveJob,
    Claim,
    ClaimVector,
    Correction,
    Delivery,
    Event,
    FactCheck,
    JobState,
    Source,
    Subscriber,
)

logger = logging.getLogger(__name__)

# The tasks are sent by name: factcheck/tasks.py calls the services, so the
# services name its tasks rather than import them.
ARCHIVE_SOURCE = "factcheck.tasks.archive_source"
DELIVER_WEBHOOK = "factcheck.tasks.deliver_webhook"
EMAIL_NOTIFICATION = "factcheck.tasks.email_notification"
PROCESS_INTAKE_ARTICLE = "factcheck.tasks.process_intake_article"
EMBED_CLAIM = "factcheck.tasks.embed_claim"
POLL_FEED = "factcheck.tasks.poll_feed"


def enqueue(task_name: str, model: type, pk: int) -> None:
    """Hand a recorded job to Celery, after commit.

    A broker that is down costs a log line, not the request that recorded the job:
    the row stays pending and the sweeper sends it once the broker is back.
    """
    try:
        current_app.signature(task_name, args=[pk]).apply_async(retry=True)
    except Exception:  # whatever the transport raises: the outbox row is the record
        logger.warning("%s %s not enqueued; the sweeper will retry", task_name, pk)
        return
    model.objects.filter(pk=pk).update(enqueued_at=timezone.now())


def send(task_name: str, pk: int) -> None:
    """Send a task whose own row keeps no outbox state (a feed's poll: the feed
    is simply due again at its next interval if the message is lost)."""
    try:
        current_app.signature(task_name, args=[pk]).apply_async(retry=True)
    except Exception:  # whatever the transport raises: the row is due again later
        logger.warning("%s %s not sent; it is due again later", task_name, pk)


def record_archive_job(
    source: Source, *, reason: str, actor: AbstractBaseUser | None = None
) -> ArchiveJob:
    job = ArchiveJob.objects.create(
        source=source, url=source.url, reason=reason, requested_by=actor
    )
    transaction.on_commit(partial(enqueue, ARCHIVE_SOURCE, ArchiveJob, job.pk))
    return job


def record_embedding(claim: Claim) -> ClaimVector:
    """The claim's vector is to be computed (again) from its text as it is now.

    One row per claim: a second change before the worker ran only sets the
    row waiting again, and a run that started on the older text finds its
    lease gone and stores nothing (services.vectors.store_vector).
    """
    row, _created = ClaimVector.objects.update_or_create(
        claim=claim,
        defaults={
            "state": JobState.PENDING,
            "attempts": 0,
            "lease": "",
            "run_after": timezone.now(),
            "error": "",
        },
    )
    transaction.on_commit(partial(enqueue, EMBED_CLAIM, ClaimVector, row.pk))
    return row


def notify_partners(
    kind: str, *, event: Event, correction: Correction | None = None
) -> list[Delivery]:
    """One delivery per subscriber, written with the event it reports."""
    subscribers = list(
        Subscriber.objects.filter(is_active=True, events__contains=[kind])
    )
    if not subscribers:
        return []
    factcheck = FactCheck.objects.select_related("rating", "claim__claimant").get(
        claim_id=event.claim_id
    )
    data = webhooks.payload(
        kind, factcheck=factcheck, event=event, correction=correction
    )
    deliveries = Delivery.objects.bulk_create(
        Delivery(subscriber=subscriber, event=event, kind=kind, payload=data)
        for subscriber in subscribers
    )
    for delivery in deliveries:
        transaction.on_commit(partial(enqueue, DELIVER_WEBHOOK, Delivery, delivery.pk))
    return deliveries
