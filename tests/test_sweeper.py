"""The sweeper: a job whose message was lost is sent again; nothing else is."""

import datetime

import pytest
from django.utils import timezone

from factcheck import services
from factcheck.models import (
    ArchiveJob,
    ArchiveReason,
    Delivery,
    JobState,
    Status,
    Subscriber,
)
from tests import factories

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)


def archive_job(**fields) -> ArchiveJob:
    source = factories.source(factories.claim(Status.IN_RESEARCH))
    fields.setdefault("reason", ArchiveReason.ARCHIVE)
    return ArchiveJob.objects.create(source=source, url=source.url, **fields)


def test_it_sends_again_a_job_never_picked_up_and_leaves_a_fresh_one(enqueued):
    now = timezone.now()
    lost = archive_job(run_after=now - 5 * MINUTE)  # broker was down at commit
    fresh = archive_job(run_after=now - 30 * datetime.timedelta(seconds=1))
    future = archive_job(run_after=now + 5 * MINUTE)  # a retry not yet due

    assert services.sweep(now=now) == 1

    assert enqueued() == [("factcheck.tasks.archive_source", [lost.pk])]
    lost.refresh_from_db()
    assert lost.enqueued_at is not None
    # Not again on the next sweep a minute later: it has another grace period.
    assert services.sweep(now=now + MINUTE) == 0
    assert {fresh.pk, future.pk}.isdisjoint(pk for _, [pk] in enqueued())


def test_it_resets_a_job_whose_worker_died_past_the_time_limit(enqueued, settings):
    now = timezone.now()
    limit = datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    dead = archive_job(
        state=JobState.RUNNING,
        lease="gone-task",
        started_at=now - limit - 3 * MINUTE,
        attempts=1,
    )
    alive = archive_job(
        state=JobState.RUNNING, lease="busy-task", started_at=now - MINUTE, attempts=1
    )

    assert services.sweep(now=now) == 1

    assert enqueued() == [("factcheck.tasks.archive_source", [dead.pk])]
    dead.refresh_from_db()
    assert (dead.state, dead.lease, dead.attempts) == (JobState.PENDING, "", 1)
    assert "stopped before finishing" in dead.error
    alive.refresh_from_db()
    assert (alive.state, alive.lease) == (JobState.RUNNING, "busy-task")


def test_it_leaves_finished_jobs_alone(enqueued):
    long_ago = timezone.now() - datetime.timedelta(days=1)
    archive_job(state=JobState.DONE, run_after=long_ago, started_at=long_ago)
    archive_job(state=JobState.FAILED, run_after=long_ago, started_at=long_ago)

    assert services.sweep() == 0
    assert enqueued() == []


def test_it_sends_again_a_webhook_delivery_whose_message_was_lost(editor, enqueued):
    Subscriber.objects.create(
        name="Partner", url="https://partner.example/", events=["factcheck.published"]
    )
    claim = factories.claim_at(Status.APPROVED)
    services.transition(claim, to=Status.PUBLISHED, actor=editor)
    delivery = Delivery.objects.get()

    assert services.sweep(now=timezone.now() + 5 * MINUTE) == 1
    assert enqueued() == [("factcheck.tasks.deliver_webhook", [delivery.pk])]


def test_a_broker_that_refuses_leaves_the_job_waiting_for_the_sweeper(
    fact_checker, django_capture_on_commit_callbacks, broker_down
):
    claim = factories.claim(Status.IN_RESEARCH)
    with django_capture_on_commit_callbacks(execute=True):
        source = services.add_source(
            claim, actor=fact_checker, url="https://example.org/a", title="A"
        )

    job = ArchiveJob.objects.get(source=source)
    assert (job.state, job.enqueued_at) == (JobState.PENDING, None)


def test_the_broker_is_the_in_memory_one_again_after_it_was_down(enqueued):
    # Runs after the test above in the same process (file order): nothing of the
    # dead broker is left behind.
    job = archive_job()
    services.sweep(now=job.run_after + 5 * MINUTE)
    assert enqueued() == [("factcheck.tasks.archive_source", [job.pk])]


@pytest.fixture
def broker_down():
    """Tasks sent by this process go to a port where nothing listens.

    The app keeps the connection and producer pools it made from the first
    broker URL, so the pools themselves are swapped and put back: changing
    broker_url alone would move nothing, and left changed would break the
    `enqueued` fixture of every later test in this process.
    """
    from kombu.pools import ProducerPool

    from newsroom.celery import app

    saved = app._pool, app.amqp._producer_pool
    connections = app.connection_for_write("redis://127.0.0.1:1/0").Pool(limit=1)
    producers = ProducerPool(connections, limit=1)
    app._pool, app.amqp._producer_pool = connections, producers
    try:
        yield
    finally:
        app._pool, app.amqp._producer_pool = saved
        producers.force_close_all()
        connections.force_close_all()
