"""Compute the sentence vectors that claims are missing (a desk that had
claims before vectors were stored, or that changed settings.INTAKE_EMBEDDER).

Idempotent: only claims without a vector of the current embedder for their
current text are embedded, a batch at a time; a second run finds nothing.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from factcheck.intake.embeddings import get_embedder
from factcheck.services import vectors


class Command(BaseCommand):
    help = "Compute and store the missing or stale sentence vectors of claims."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=vectors.BACKFILL_BATCH,
            help="Claims embedded and written together (default %(default)s).",
        )

    def handle(self, *args, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        started = time.perf_counter()
        name = get_embedder().name

        def progress(done: int, total: int) -> None:
            elapsed = time.perf_counter() - started
            self.stdout.write(f"{done}/{total} claims embedded ({elapsed:.1f} s)")

        stored = vectors.backfill(batch_size=batch_size, progress=progress)
        elapsed = time.perf_counter() - started
        if not stored:
            self.stdout.write(f"Every claim has a current vector ({name}).")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Stored {stored} vectors ({name}) in {elapsed:.1f} s, "
                f"{elapsed / stored * 1000:.0f} s per 1,000 claims."
            )
        )
