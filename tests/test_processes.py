"""The processes that run the desk: web, Celery worker and beat, what beat sends,
and how the admin shows that the clock and the worker are alive."""

import datetime
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from celery import Celery
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from factcheck import tasks
from factcheck.models import HEARTBEAT, PeriodicJob
from newsroom.beat import RecordingScheduler
from newsroom.celery import app
from tests.live_database import database_url

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
        "factcheck.tasks.render_pages",
        "factcheck.tasks.poll_feeds",
    }
    assert scheduled <= set(app.tasks)
    assert (
        settings.CELERY_BEAT_SCHEDULE[HEARTBEAT]["task"] == "factcheck.tasks.heartbeat"
    )


def test_every_periodic_job_expires_before_the_next_is_sent():
    # A stopped worker must not find a backlog of the same job when it returns.
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert 0 < entry["options"]["expires"] <= entry["schedule"]


# --- The processes, as the Procfile and `make run` start them -------------------

# Long enough for a process to start on a loaded machine; one that is up ends the
# wait at once.
WAIT = 60.0


def procfile() -> dict[str, str]:
    """The Procfile's processes: one `name: command` a line (Heroku's format, read
    by honcho, foreman and the platforms alike)."""
    processes = {}
    for line in (settings.BASE_DIR / "Procfile").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, command = line.partition(":")
            processes[name.strip()] = command.strip()
    return processes


def commands_of_make_run() -> list[list[str]]:
    """What `make run` would execute, as make itself expands it (a dry run)."""
    dry_run = subprocess.run(
        ["make", "--dry-run", "--always-make", "run"],  # noqa: S607 (make on PATH)
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    commands = []
    for line in dry_run.stdout.replace("\\\n", " ").splitlines():
        shell = shlex.shlex(line, posix=True, punctuation_chars=True)
        shell.whitespace_split = True
        command: list[str] = []
        for token in [*shell, ";"]:
            if token in {"&", ";", "&&", "||", "|"}:
                commands.append(command)
                command = []
            else:
                command.append(token)
    return [
        started
        for command in commands
        if command
        for started in supervised(command[1:] if command[0] == "exec" else command)
    ]


def supervised(command: list[str]) -> list[list[str]]:
    """The command itself, or, for `python -m newsroom.supervise`, the commands it
    starts (its arguments, each a command line; its options skipped)."""
    if "newsroom.supervise" not in command:
        return [command]
    arguments = iter(command[command.index("newsroom.supervise") + 1 :])
    started = []
    for argument in arguments:
        if argument in {"--grace", "--when-ready"}:
            next(arguments)
        else:
            started.append(shlex.split(argument))
    return started


def test_make_run_starts_the_procfiles_processes_from_the_virtualenv():
    started = [
        [Path(command[0]).name, *command[1:]]
        for command in commands_of_make_run()
        if command[0].startswith(".venv/bin/")
    ]

    for name, command in procfile().items():
        expected = shlex.split(command)
        assert any(run[: len(expected)] == expected for run in started), name


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        # The whole process group (gunicorn's and the pool's workers too). Nothing
        # is in flight by then, and a graceful stop would wait out gunicorn's
        # thirty-second grace.
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait()


@pytest.fixture
def desk_processes(tmp_path) -> Iterator[tuple[dict[str, Process], str]]:
    """Every Procfile process started the way a Procfile runner starts it (its
    command through the shell, the virtualenv on PATH), on this test's database,
    with no broker configured: the worker and beat share the local one."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"CELERY_BROKER_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        PATH=f"{Path(sys.executable).parent}:{env.get('PATH', '')}",
        DATABASE_URL=database_url(),
        DJANGO_SECRET_KEY="a key for this test only, " + "x" * 40,
        STATE_DIR=str(tmp_path / "state"),
        PORT=str(port),
        SITE_URL=f"http://127.0.0.1:{port}",
        WEB_CONCURRENCY="1",
    )
    started: dict[str, Process] = {}
    try:
        for name, command in procfile().items():
            log = tmp_path / f"{name}.log"
            with log.open("wb") as out:
                popen = subprocess.Popen(  # noqa: S603 (the Procfile's own command)
                    ["/bin/sh", "-c", f"exec {command}"],
                    cwd=settings.BASE_DIR,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            started[name] = Process(name, popen, log)
        yield started, f"http://127.0.0.1:{port}"
    finally:
        for process in started.values():
            process.kill()
            # Shown only when the test failed.
            print(f"--- {process.name} ---\n{process.output()}")


def wait_for(what: str, processes: dict[str, Process], condition) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        for process in processes.values():
            if process.popen.poll() is not None:
                pytest.fail(f"{process.name} exited while waiting for {what}")
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {WAIT:.0f} s waiting for {what}")
        time.sleep(0.2)


def answers(url: str) -> bool:
    # gunicorn listens before its worker has loaded the desk; a request waits in
    # the queue until it has, so the read timeout is the whole wait.
    try:
        return requests.get(url, timeout=WAIT).status_code == 200
    except requests.ConnectionError:
        return False


def send_from_outside(task: str, state: Path) -> None:
    """Send a task as another process of the desk would: through the local broker
    (STATE_DIR/queue), with the settings' transport options."""
    queue = state / "queue"
    sender = Celery(
        # Not the app this test process sends with (shared tasks use the current
        # one), which the tests after this one still need.
        set_as_current=False,
        broker="filesystem://",
        broker_transport_options={
            "data_folder_in": str(queue),
            "data_folder_out": str(queue),
            "control_folder": str(queue / "control"),
        },
    )
    sender.send_task(task)
    sender.close()


@pytest.mark.workers
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_procfiles_processes_serve_the_site_and_run_background_jobs(
    desk_processes, tmp_path
):
    processes, site = desk_processes
    assert set(processes) == {"web", "worker", "beat"}

    wait_for("the web process to serve", processes, lambda: answers(site + "/"))
    assert "Sitemap:" in requests.get(site + "/robots.txt", timeout=WAIT).text

    # Beat records the jobs it starts with, in the desk's database.
    wait_for(
        "beat to record its schedule",
        processes,
        lambda: (
            PeriodicJob.objects.filter(name__in=settings.CELERY_BEAT_SCHEDULE).count()
            == len(settings.CELERY_BEAT_SCHEDULE)
        ),
    )

    wait_for(
        "the worker to start",
        processes,
        lambda: " ready." in processes["worker"].output(),
    )
    send_from_outside("factcheck.tasks.heartbeat", tmp_path / "state")
    wait_for(
        "the worker to run the heartbeat",
        processes,
        lambda: PeriodicJob.objects.filter(
            name=HEARTBEAT, last_run_at__isnull=False
        ).exists(),
    )


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
