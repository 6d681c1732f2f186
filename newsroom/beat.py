"""Celery beat's scheduler: Celery's own, keeping its schedule in a file, with two
additions an operator needs.

- The file's folder (under STATE_DIR) is created, so beat starts on a fresh deploy.
- Every send is recorded in the database (factcheck.models.PeriodicJob), where the
  admin shows when each periodic job last went out and warns when one is late.
"""

import logging
from pathlib import Path

import django
from celery.beat import PersistentScheduler, ScheduleEntry
from django.apps import apps
from django.db import DatabaseError, connection
from django.utils import timezone

logger = logging.getLogger(__name__)


class RecordingScheduler(PersistentScheduler):
    def setup_schedule(self) -> None:
        Path(self.schedule_filename).parent.mkdir(parents=True, exist_ok=True)
        if not apps.ready:
            django.setup()  # beat, unlike the worker, does not set Django up
        super().setup_schedule()
        self.record(
            "schedule",
            lambda jobs: jobs.record_scheduled(
                {name: entry.task for name, entry in self.schedule.items()},
                at=timezone.now(),
            ),
        )

    def apply_async(self, entry: ScheduleEntry, producer=None, advance=True, **kw):
        result = super().apply_async(entry, producer, advance, **kw)
        self.record_sent(entry)
        return result

    def record_sent(self, entry: ScheduleEntry) -> None:
        self.record(
            entry.name,
            lambda jobs: jobs.record_sent(
                entry.name, task=entry.task, at=timezone.now()
            ),
        )

    def record(self, what: str, write) -> None:
        # The models exist only once Django is set up (setup_schedule).
        from factcheck.models import PeriodicJob

        try:
            write(PeriodicJob.objects)
        except DatabaseError:
            # The jobs go out all the same; only the record is missing, and the
            # next send writes it. The clock must not stop for the database.
            logger.exception("Could not record beat's %s", what)
            # Beat runs for weeks: a connection the database dropped (a restart)
            # is opened afresh for the next write.
            connection.close()
