"""The Celery tasks retry as often as the service allows, not Celery's default 3.

The jobs are sent the way the desk sends them (the outbox's apply_async after
commit) to Celery running its tasks eagerly in this process, so every retry is a
real Task.retry with its own max_retries check; the countdowns the service asks
for are recorded from Celery's task_retry signal rather than waited out. The
partner and the source page are pytest-httpserver on 127.0.0.1.
"""

import pytest
from celery.signals import task_retry
from werkzeug import Request, Response

from factcheck import services
from factcheck.models import (
    ArchiveJob,
    Delivery,
    JobState,
    LinkStatus,
    Status,
    Subscriber,
    WebhookEvent,
)
from newsroom.celery import app
from tests import factories

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("connections", "loopback_allowed"),
]


@pytest.fixture
def countdowns():
    """Celery runs each task where it is sent; returns the countdown of every
    retry Celery was asked for, in order."""
    asked: list[float] = []

    def record(sender, request, reason, **kwargs) -> None:
        asked.append(reason.when)

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    task_retry.connect(record, weak=False)
    yield asked
    task_retry.disconnect(record)
    app.conf.task_always_eager = eager


class Answers:
    """A server that answers with each status in turn, then the last one for good."""

    def __init__(self, *statuses: int) -> None:
        self.statuses = statuses
        self.requests = 0

    def __call__(self, request: Request) -> Response:
        self.requests += 1
        status = self.statuses[min(self.requests, len(self.statuses)) - 1]
        return Response("<p>page</p>", status=status, content_type="text/html")


def assert_backed_off(asked: list[float], settings) -> None:
    for attempt, countdown in enumerate(asked, start=1):
        ceiling = min(30 * 2 ** (attempt - 1), settings.TASK_RETRY_BACKOFF_MAX)
        assert ceiling / 2 <= countdown <= ceiling


def test_it_delivers_a_webhook_on_the_eighth_attempt_through_celery_retries_alone(
    httpserver, editor, countdowns, django_capture_on_commit_callbacks, settings
):
    partner = Answers(*[503] * 7, 204)
    httpserver.expect_request("/hook", method="POST").respond_with_handler(partner)
    Subscriber.objects.create(
        name="Partner",
        url=httpserver.url_for("/hook"),
        events=list(WebhookEvent.values),
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.transition(
            factories.claim_at(Status.APPROVED), to=Status.PUBLISHED, actor=editor
        )

    delivery = Delivery.objects.get()
    assert services.DELIVERY_MAX_ATTEMPTS == 8
    assert (delivery.state, delivery.attempts) == (JobState.DONE, 8)
    assert partner.requests == 8
    assert list(delivery.attempt_log.values_list("number", "status_code")) == [
        *((n, 503) for n in range(1, 8)),
        (8, 204),
    ]
    assert len(countdowns) == 7
    assert_backed_off(countdowns, settings)


def test_it_stops_archiving_after_five_attempts(
    httpserver, fact_checker, countdowns, django_capture_on_commit_callbacks, settings
):
    page = Answers(503)
    httpserver.expect_request("/states").respond_with_handler(page)
    claim = factories.claim(Status.IN_RESEARCH)

    with django_capture_on_commit_callbacks(execute=True):
        source = services.add_source(
            claim, actor=fact_checker, url=httpserver.url_for("/states"), title="ICC"
        )

    job = ArchiveJob.objects.get(source=source)
    assert services.ARCHIVE_MAX_ATTEMPTS == 5
    assert (job.state, job.attempts) == (JobState.FAILED, 5)
    assert job.error.startswith("server error 503")
    assert page.requests == 5
    assert len(countdowns) == 4
    assert_backed_off(countdowns, settings)
    source.refresh_from_db()
    assert source.link_status == LinkStatus.FAILED


def test_it_archives_a_page_that_answers_on_the_last_allowed_attempt(
    httpserver, fact_checker, countdowns, django_capture_on_commit_callbacks
):
    page = Answers(*[503] * 4, 200)
    httpserver.expect_request("/states").respond_with_handler(page)
    claim = factories.claim(Status.IN_RESEARCH)

    with django_capture_on_commit_callbacks(execute=True):
        source = services.add_source(
            claim, actor=fact_checker, url=httpserver.url_for("/states"), title="ICC"
        )

    job = ArchiveJob.objects.get(source=source)
    assert (job.state, job.attempts) == (JobState.DONE, 5)
    assert page.requests == 5
    source.refresh_from_db()
    assert source.link_status == LinkStatus.ARCHIVED
