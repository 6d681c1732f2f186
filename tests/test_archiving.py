"""Source archiving and link checks: the evidence a fact-check relied on survives.

The jobs run here in the test's own process (services.run_archive_job, what the
Celery task calls) against pytest-httpserver on 127.0.0.1; no test reaches
beyond this machine. tests/test_worker_reliability.py runs them in real workers.
"""

import datetime
import hashlib
import itertools
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone
from werkzeug import Response

from factcheck import pagecache, services
from factcheck.models import (
    ArchiveJob,
    ArchiveReason,
    JobState,
    LinkStatus,
    Source,
    SourceArchive,
    Status,
)
from tests import factories

PAGE = """<!doctype html><html lang="ar" dir="rtl"><head><title>الدول الأطراف</title>
<script>track()</script></head><body><main><h1>الدول الأطراف في نظام روما</h1>
<p>تركيا ليست من الدول الأطراف.</p></main></body></html>"""

_people = itertools.count()

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("connections", "loopback_allowed"),
]


def a_source(claim=None, *, url: str, by=None):
    """A source added through the service, as the admin and the API add them."""
    claim = claim or factories.claim(Status.IN_RESEARCH)
    by = by or factories.user(f"researcher{next(_people)}", "Fact-checkers")
    return services.add_source(claim, actor=by, url=url, title="States Parties")


def run(job: ArchiveJob, lease: str = "task-1") -> float | None:
    return services.run_archive_job(job.pk, lease=lease)


def test_it_records_an_archive_job_when_a_source_is_added_and_sends_it_after_commit(
    fact_checker, django_capture_on_commit_callbacks, enqueued
):
    claim = factories.claim(Status.IN_RESEARCH)
    with django_capture_on_commit_callbacks(execute=True):
        source = services.add_source(
            claim, actor=fact_checker, url="https://example.org/a", title="A"
        )
        assert enqueued() == []  # nothing leaves before the commit
    job = ArchiveJob.objects.get(source=source)
    assert (job.url, job.reason, job.state) == (
        "https://example.org/a",
        ArchiveReason.ARCHIVE,
        JobState.PENDING,
    )
    assert job.requested_by == fact_checker
    assert job.enqueued_at is not None
    assert enqueued() == [("factcheck.tasks.archive_source", [job.pk])]
    assert source.link_status == LinkStatus.PENDING


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_enqueues_nothing_when_the_transaction_rolls_back(fact_checker, enqueued):
    claim = factories.claim(Status.IN_RESEARCH)

    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned), transaction.atomic():
        services.add_source(
            claim, actor=fact_checker, url="https://example.org/x", title="X"
        )
        raise Abandoned

    assert not ArchiveJob.objects.exists()
    assert enqueued() == []
    # The control: the same call, committed, does send one.
    services.add_source(
        claim, actor=fact_checker, url="https://example.org/x", title="X"
    )
    assert enqueued() == [
        ("factcheck.tasks.archive_source", [ArchiveJob.objects.get().pk])
    ]


def test_it_archives_afresh_when_the_link_changes_and_not_when_the_title_does(
    fact_checker,
):
    source = a_source(url="https://example.org/old", by=fact_checker)
    first = ArchiveJob.objects.get(source=source)

    services.update_source(source, actor=fact_checker, title="A better title")
    assert ArchiveJob.objects.filter(source=source).count() == 1

    services.update_source(source, actor=fact_checker, url="https://example.org/new")
    first.refresh_from_db()
    assert first.state == JobState.FAILED
    assert "link changed" in first.error
    new = ArchiveJob.objects.exclude(pk=first.pk).get(source=source)
    assert (new.url, new.state) == ("https://example.org/new", JobState.PENDING)


def test_it_stores_status_hash_and_main_text(httpserver):
    httpserver.expect_request("/states").respond_with_data(
        PAGE, content_type="text/html; charset=utf-8"
    )
    source = a_source(url=httpserver.url_for("/states"))
    job = source.archive_jobs.get()

    assert run(job) is None

    archive = SourceArchive.objects.get(job=job)
    assert archive.status_code == 200
    assert archive.sha256 == hashlib.sha256(PAGE.encode()).hexdigest()
    assert archive.content_type == "text/html"
    assert archive.final_url == httpserver.url_for("/states")
    assert "تركيا ليست من الدول الأطراف." in archive.text
    assert "track()" not in archive.text
    job.refresh_from_db()
    assert (job.state, job.attempts, job.error) == (JobState.DONE, 1, "")
    source.refresh_from_db()
    assert source.link_status == LinkStatus.ARCHIVED
    assert source.archived_at == archive.fetched_at


def test_it_keeps_one_archive_when_the_same_job_runs_twice(httpserver):
    httpserver.expect_request("/states").respond_with_data(PAGE)
    job = a_source(url=httpserver.url_for("/states")).archive_jobs.get()

    run(job, lease="first-message")
    run(job, lease="first-message")  # redelivered after it finished
    run(job, lease="duplicate-message")  # sent again by the sweeper

    assert SourceArchive.objects.filter(job=job).count() == 1
    assert len(httpserver.log) == 1


def test_it_lets_a_redelivered_message_finish_the_job_its_dead_worker_held(
    httpserver,
):
    httpserver.expect_request("/states").respond_with_data(PAGE)
    job = a_source(url=httpserver.url_for("/states")).archive_jobs.get()
    # The first worker took the job and died mid-fetch.
    ArchiveJob.objects.filter(pk=job.pk).update(
        state=JobState.RUNNING, lease="task-1", attempts=1
    )

    assert run(job, lease="another-task") is None
    assert not SourceArchive.objects.exists()  # a stranger may not take it over

    assert run(job, lease="task-1") is None
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.DONE, 2)
    assert SourceArchive.objects.filter(job=job).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_runs_a_job_once_when_two_workers_race_for_it(httpserver):
    gate = threading.Event()

    def slow_page(request):
        gate.wait(5)
        return Response(PAGE, content_type="text/html")

    httpserver.expect_request("/states").respond_with_handler(slow_page)
    job = a_source(url=httpserver.url_for("/states")).archive_jobs.get()
    results = []

    def worker(lease):
        try:
            results.append(services.run_archive_job(job.pk, lease=lease))
        finally:
            connection.close()  # each thread has its own; leave none open

    threads = [threading.Thread(target=worker, args=(f"task-{n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    gate.set()
    for thread in threads:
        thread.join(10)

    assert results == [None, None]
    assert len(httpserver.log) == 1
    assert SourceArchive.objects.count() == 1


def test_it_refuses_a_forbidden_address_for_good_without_connecting(connections):
    job = a_source(url="http://169.254.169.254/latest/meta-data/").archive_jobs.get()

    assert run(job) is None

    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.error.startswith("Refused")
    assert job.attempts == 1
    assert connections == []
    job.source.refresh_from_db()
    assert job.source.link_status == LinkStatus.FAILED


def test_it_retries_a_slow_server_with_growing_waits_then_stops(httpserver, settings):
    settings.FETCH_READ_TIMEOUT = 0.2

    def too_slow(request):
        threading.Event().wait(1)
        return Response(PAGE)

    httpserver.expect_request("/slow").respond_with_handler(too_slow)
    job = a_source(url=httpserver.url_for("/slow")).archive_jobs.get()

    waits = []
    while (wait := run(job)) is not None:
        waits.append(wait)
        job.refresh_from_db()
        assert job.state == JobState.PENDING
        assert job.run_after > timezone.now()
        assert "network error" in job.error

    assert len(waits) == services.ARCHIVE_MAX_ATTEMPTS - 1
    for attempt, wait in enumerate(waits, start=1):
        ceiling = min(30 * 2 ** (attempt - 1), settings.TASK_RETRY_BACKOFF_MAX)
        assert ceiling / 2 <= wait <= ceiling
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.FAILED, services.ARCHIVE_MAX_ATTEMPTS)
    job.source.refresh_from_db()
    assert job.source.link_status == LinkStatus.FAILED
    assert not SourceArchive.objects.exists()


def test_it_fails_an_oversized_page_at_once(httpserver, settings):
    settings.FETCH_MAX_BYTES = 1000
    httpserver.expect_request("/huge").respond_with_data("x" * 5000)
    job = a_source(url=httpserver.url_for("/huge")).archive_jobs.get()

    assert run(job) is None

    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.FAILED, 1)
    assert "larger than 1000 bytes" in job.error


def test_it_retries_a_server_that_asks_to_come_back_later(httpserver):
    httpserver.expect_request("/busy").respond_with_data("later", status=429)
    job = a_source(url=httpserver.url_for("/busy")).archive_jobs.get()

    assert run(job) > 0

    job.refresh_from_db()
    assert (job.state, job.error) == (JobState.PENDING, "HTTP 429")


def test_it_records_a_missing_page_as_gone(httpserver):
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    job = a_source(url=httpserver.url_for("/gone")).archive_jobs.get()

    assert run(job) is None

    assert SourceArchive.objects.get(job=job).status_code == 404
    job.source.refresh_from_db()
    assert job.source.link_status == LinkStatus.GONE
    assert job.source.archived_at is None


@pytest.mark.parametrize("attempts", [1, 2, 3, 4, 5, 6, 10])
def test_its_retry_waits_grow_exponentially_with_jitter_under_a_cap(attempts, settings):
    ceiling = min(30 * 2 ** (attempts - 1), settings.TASK_RETRY_BACKOFF_MAX)
    waits = {services.retry_delay(attempts) for _ in range(50)}
    assert all(ceiling / 2 <= wait <= ceiling for wait in waits)
    assert len(waits) > 1


# --- Link checks


def published_source(httpserver, path: str = "/states", body: str = PAGE) -> Source:
    """A published fact-check's source, archived a while ago."""
    httpserver.expect_oneshot_request(path).respond_with_data(
        body, content_type="text/html"
    )
    source = a_source(url=httpserver.url_for(path))
    run(source.archive_jobs.get())
    source.claim.status = Status.PUBLISHED
    source.claim.save(update_fields=["status"])
    long_ago = timezone.now() - datetime.timedelta(days=8)
    Source.objects.filter(pk=source.pk).update(checked_at=long_ago)
    source.refresh_from_db()
    return source


def check(source: Source) -> ArchiveJob:
    assert services.record_link_checks() >= 1
    job = source.archive_jobs.get(reason=ArchiveReason.CHECK, state=JobState.PENDING)
    run(job)
    source.refresh_from_db()
    return job


def test_it_checks_only_published_sources_not_checked_for_a_week(httpserver):
    due = published_source(httpserver, "/due")
    recent = published_source(httpserver, "/recent")
    Source.objects.filter(pk=recent.pk).update(checked_at=timezone.now())
    a_source(url="https://example.org/draft")  # its claim is not published

    assert services.record_link_checks() == 1

    assert list(
        ArchiveJob.objects.filter(reason=ArchiveReason.CHECK).values_list(
            "source", flat=True
        )
    ) == [due.pk]
    # Its check is open: the next run does not record a second one.
    assert services.record_link_checks() == 0


def test_a_link_check_finds_the_page_unchanged(httpserver):
    source = published_source(httpserver)
    archived_at = source.archived_at
    httpserver.expect_oneshot_request("/states").respond_with_data(
        PAGE.replace("track()", "track(42)"), content_type="text/html"
    )

    check(source)

    assert source.link_status == LinkStatus.ARCHIVED
    assert source.archived_at == archived_at  # the evidence is still the first copy
    assert source.checked_at > archived_at


def test_a_link_check_records_when_the_content_changed(
    httpserver, django_capture_on_commit_callbacks
):
    source = published_source(httpserver)
    httpserver.expect_oneshot_request("/states").respond_with_data(
        PAGE.replace("ليست", "أصبحت"), content_type="text/html"
    )
    generation = pagecache.generation()

    with django_capture_on_commit_callbacks(execute=True):
        check(source)

    assert source.link_status == LinkStatus.CHANGED
    assert source.link_status_since is not None
    assert SourceArchive.objects.filter(source=source).count() == 2
    # The fact-check's page says so from the next request on.
    assert pagecache.generation() != generation


def test_an_unchanged_check_leaves_the_cached_pages_alone(
    httpserver, django_capture_on_commit_callbacks
):
    source = published_source(httpserver)
    httpserver.expect_oneshot_request("/states").respond_with_data(
        PAGE, content_type="text/html"
    )
    generation = pagecache.generation()

    with django_capture_on_commit_callbacks(execute=True):
        check(source)

    assert source.link_status == LinkStatus.ARCHIVED
    assert pagecache.generation() == generation


def test_a_link_check_records_when_the_page_vanished(httpserver):
    source = published_source(httpserver)
    httpserver.expect_oneshot_request("/states").respond_with_data("", status=410)

    check(source)

    assert source.link_status == LinkStatus.GONE


def test_rearchiving_makes_the_page_as_it_is_now_the_evidence(httpserver, editor):
    source = published_source(httpserver)
    changed = PAGE.replace("ليست", "أصبحت")
    httpserver.expect_oneshot_request("/states").respond_with_data(changed)
    check(source)
    assert source.link_status == LinkStatus.CHANGED

    httpserver.expect_oneshot_request("/states").respond_with_data(changed)
    run(services.rearchive(source, actor=editor))
    source.refresh_from_db()
    assert source.link_status == LinkStatus.ARCHIVED

    httpserver.expect_oneshot_request("/states").respond_with_data(changed)
    Source.objects.filter(pk=source.pk).update(
        checked_at=timezone.now() - datetime.timedelta(days=8)
    )
    check(source)
    assert source.link_status == LinkStatus.ARCHIVED


def test_only_newsroom_roles_may_rearchive(outsider, staff_without_role):
    source = a_source(url="https://example.org/a")
    for person in (outsider, staff_without_role):
        with pytest.raises(services.NotAllowed):
            services.rearchive(source, actor=person)
    assert source.archive_jobs.count() == 1


# --- What readers see


@pytest.mark.parametrize(
    ("status", "says"),
    [
        (LinkStatus.ARCHIVED, None),
        (LinkStatus.CHANGED, "the page has changed since"),
        (LinkStatus.GONE, "no longer online"),
    ],
)
def test_the_fact_check_page_says_when_each_source_was_archived_and_what_became_of_it(
    client, status, says
):
    factcheck = factories.public_factcheck("en")
    archived = timezone.make_aware(datetime.datetime(2026, 3, 17, 9, 30))
    factcheck.claim.sources.update(link_status=status, archived_at=archived)

    page = client.get(factcheck.get_absolute_url()).content.decode()

    assert "Archived by us" in page
    assert 'datetime="2026-03-17T09:30:00' in page
    for other in ("the page has changed since", "no longer online"):
        assert (other in page) == (other == says)


def test_the_arabic_page_says_it_in_arabic(client):
    factcheck = factories.public_factcheck("ar")
    factcheck.claim.sources.update(
        link_status=LinkStatus.CHANGED, archived_at=timezone.now()
    )

    page = client.get(factcheck.get_absolute_url()).content.decode()

    assert "أرشفناه في" in page
    assert "وتغيّرت الصفحة منذ ذلك الحين" in page


def test_a_source_never_archived_shows_no_archive_line(client):
    factcheck = factories.public_factcheck("en")

    page = client.get(factcheck.get_absolute_url()).content.decode()

    assert "Archived by us" not in page
    assert "online" not in page


def test_it_keeps_a_page_whose_text_holds_nul_characters(httpserver):
    httpserver.expect_request("/odd").respond_with_data(
        "before\x00after", content_type="text/plain; charset=utf-8"
    )
    job = a_source(url=httpserver.url_for("/odd")).archive_jobs.get()

    assert run(job) is None

    assert SourceArchive.objects.get(job=job).text == "beforeafter"
