"""The processes that run the desk: web, Celery worker and beat, and what beat sends."""

import re

from django.conf import settings

from newsroom.celery import app


def test_every_periodic_job_names_a_task_the_worker_knows():
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert scheduled == {
        "factcheck.tasks.publish_scheduled",
        "factcheck.tasks.sweep",
        "factcheck.tasks.check_links",
    }
    assert scheduled <= set(app.tasks)


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
