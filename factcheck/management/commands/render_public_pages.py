"""Store the page of every published fact-check that has none of its current
version: after the deploy that adds stored pages, or to fill them at once rather
than waiting for the periodic task (factcheck/pages.py)."""

from django.core.management.base import BaseCommand

from factcheck.pages import render_missing_pages


class Command(BaseCommand):
    help = "Render and store the public pages of published fact-checks lacking one."

    def handle(self, *args, **options) -> None:
        rendered = render_missing_pages()
        self.stdout.write(f"Rendered {rendered} fact-check pages.")
