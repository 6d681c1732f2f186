"""The processes that run the desk: web, Celery worker and beat, what beat sends,
and how the admin shows that the clock and the worker are alive."""

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from factcheck import tasks
from factcheck.models import HEARTBEAT, PeriodicJob
from newsroom.beat import RecordingScheduler
from newsroom.celery import app

CLOCK = reverse("admin:factcheck_periodicjob_changelist")


def test_every_periodic_job_names_a_task_the_worker_knows():
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert scheduled == {
        "factcheck.tasks.publish_scheduled",
        "factcheck.tasks.sweep",
        "factcheck.tasks.check_links",
        "factcheck.tasks.heartbeat",
        "factcheck.tasks.train_checkworthiness",
    }
    assert scheduled <= set(app.tasks)
    assert (
        settings.CELERY_BEAT_SCHEDULE[HEARTBEAT]["task"] == "factcheck.tasks.heartbeat"
    )


def test_every_periodic_job_expires_before_the_next_is_sent():
    # A stopped worker must not find a backlog of the same job when it returns.
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert 0 < entry["options"]["expires"] <= entry["schedule"]


def test_the_procfile_and_make_run_start_web_worker_and_beat():
    procfile = (settings.BASE_DIR / "Procfile").read_text()
    makefile = (settings.BASE_DIR / "Makefile").read_text()
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]

    assert set(re.findall(r"^(\w+):", procfile, re.MULTILINE)) == {
        "web",
        "worker",
        "beat",
    }
    for command in ("celery -A newsroom worker", "celery -A newsroom beat", "gunicorn"):
        assert command in run


# --- The clock (celery beat) ----------------------------------------------------


@pytest.fixture
def scheduler(tmp_path):
    """Beat's scheduler as `celery beat` builds it, on a state folder that does not
    exist yet (a fresh deploy)."""
    beat = RecordingScheduler(
        app=app, schedule_filename=str(tmp_path / "state" / "celerybeat-schedule")
    )
    yield beat
    beat.close()


@pytest.mark.django_db
def test_it_starts_beat_on_a_fresh_state_folder(scheduler, tmp_path):
    assert (tmp_path / "state").is_dir()
    assert set(settings.CELERY_BEAT_SCHEDULE) <= set(scheduler.schedule)


@pytest.mark.django_db
def test_it_records_the_jobs_beat_starts_with_as_not_yet_due(scheduler):
    jobs = {job.name: job for job in PeriodicJob.objects.all()}

    assert set(settings.CELERY_BEAT_SCHEDULE) <= set(jobs)
    # The hourly link check is not late the minute after a deploy.
    assert not jobs["check-links"].is_late(timezone.now())
    assert jobs["check-links"].last_sent_at is None


@pytest.mark.django_db
def test_it_records_each_send_of_a_periodic_job(scheduler, enqueued):
    before = timezone.now()

    scheduler.apply_async(scheduler.schedule["sweep"])

    job = PeriodicJob.objects.get(name="sweep")
    assert job.task == "factcheck.tasks.sweep"
    assert job.last_sent_at >= before
    assert job.last_run_at is None
    assert enqueued() == [("factcheck.tasks.sweep", [])]


@pytest.mark.django_db
def test_it_records_when_a_worker_runs_the_heartbeat(scheduler, enqueued):
    scheduler.apply_async(scheduler.schedule[HEARTBEAT])
    assert enqueued() == [("factcheck.tasks.heartbeat", [])]

    tasks.heartbeat()

    job = PeriodicJob.objects.get(name=HEARTBEAT)
    assert job.last_run_at >= job.last_sent_at


def sent(name: str, *, ago: float, run_ago: float | None = None) -> PeriodicJob:
    now = timezone.now()
    return PeriodicJob.objects.create(
        name=name,
        task=settings.CELERY_BEAT_SCHEDULE[name]["task"],
        since=now - datetime.timedelta(days=1),
        last_sent_at=now - datetime.timedelta(seconds=ago),
        last_run_at=(
            None if run_ago is None else now - datetime.timedelta(seconds=run_ago)
        ),
    )


def all_on_time() -> None:
    for name in settings.CELERY_BEAT_SCHEDULE:
        sent(name, ago=1, run_ago=1)


def page_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.mark.django_db
def test_it_shows_an_editor_when_beat_last_sent_each_job(client, editor):
    all_on_time()
    client.force_login(editor)

    response = client.get(CLOCK)

    assert response.status_code == 200
    assert page_messages(response) == []
    listed = {job.name for job in response.context["cl"].result_list}
    assert listed == set(settings.CELERY_BEAT_SCHEDULE)
    assert response.content.decode().count("On time") == len(listed)


@pytest.mark.django_db
def test_it_warns_when_beat_is_late_with_a_job(client, editor):
    all_on_time()
    PeriodicJob.objects.filter(name="sweep").update(
        last_sent_at=timezone.now() - datetime.timedelta(minutes=3)
    )
    client.force_login(editor)

    response = client.get(CLOCK)

    (warning,) = page_messages(response)
    assert "The clock (celery beat) is late" in warning
    assert "“sweep”" in warning
    assert response.content.decode().count(">Late<") == 1


@pytest.mark.django_db
def test_it_warns_when_beat_has_never_run(client, editor):
    client.force_login(editor)

    response = client.get(CLOCK)

    warnings = page_messages(response)
    assert len(warnings) == len(settings.CELERY_BEAT_SCHEDULE)
    assert all("has never had" in warning for warning in warnings)


@pytest.mark.django_db
def test_it_warns_when_beat_started_but_never_sent_a_job(client, editor):
    all_on_time()
    PeriodicJob.objects.filter(name="publish-scheduled").update(
        since=timezone.now() - datetime.timedelta(minutes=5), last_sent_at=None
    )
    client.force_login(editor)

    response = client.get(CLOCK)

    (warning,) = page_messages(response)
    assert "has not sent “publish-scheduled” since it started" in warning


@pytest.mark.django_db
def test_it_warns_when_no_worker_runs_what_beat_sends(client, editor):
    all_on_time()
    PeriodicJob.objects.filter(name=HEARTBEAT).update(
        last_run_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    client.force_login(editor)

    response = client.get(CLOCK)

    (warning,) = page_messages(response)
    assert "No worker has run “heartbeat”" in warning


@pytest.mark.django_db
def test_it_shows_the_clock_in_a_fixed_number_of_queries(
    client, administrator, django_assert_num_queries
):
    all_on_time()
    client.force_login(administrator)
    client.get(CLOCK)

    with django_assert_num_queries(7):
        response = client.get(CLOCK)

    assert response.status_code == 200


@pytest.mark.django_db
def test_it_keeps_the_clock_from_fact_checkers(client, fact_checker):
    client.force_login(fact_checker)

    assert client.get(CLOCK).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["outsider", "staff_without_role"])
def test_it_keeps_people_without_a_role_away_from_the_clock(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(CLOCK)

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_it_lets_nobody_add_change_or_delete_a_clock_record(client, administrator):
    job = sent("sweep", ago=1)
    client.force_login(administrator)

    add = client.get(reverse("admin:factcheck_periodicjob_add"))
    delete = client.post(
        reverse("admin:factcheck_periodicjob_delete", args=[job.pk]), {"post": "yes"}
    )

    assert add.status_code == 403
    assert delete.status_code == 403
    assert PeriodicJob.objects.filter(pk=job.pk).exists()
