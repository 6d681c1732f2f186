"""Store the page of every published fact-check that has none of its current
version: after the deploy that adds stored pages, or to fill them at once rather
than waiting for the periodic task (factcheck/pages.py)."""

import os

from django.core.management.base import BaseCommand, CommandError

from factcheck.pages import render_missing_pages


class Command(BaseCommand):
    help = "Render and store the public pages of published fact-checks lacking one."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--processes",
            type=int,
            default=os.cpu_count() or 1,
            help="Render in this many processes at once (default: one per core).",
        )

    def handle(self, *args, processes: int, **options) -> None:
        if processes < 1:
            raise CommandError("--processes must be 1 or more.")
        rendered = render_missing_pages(processes=processes)
        self.stdout.write(f"Rendered {rendered} fact-check pages.")
