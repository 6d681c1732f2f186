"""Rank indexed targets for every query of a pairs file and print the scores."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from factcheck.intake.embeddings import get_embedder
from factcheck.intake.evaluation import evaluate_matching, read_matching_tsv
from factcheck.intake.tsv import TsvError


class Command(BaseCommand):
    help = (
        "Read rows query<TAB>query_language<TAB>target<TAB>target_language (ar or "
        "en; a header row is allowed; a row with no query adds a distractor "
        "target), index every target, rank them for each query, and print JSON: "
        "n, success_at_1, success_at_5, mrr, p95_ms (embedding the query and "
        "searching), search_p95_ms, indexed, embedder."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="pairs TSV")
        parser.add_argument(
            "--embedder",
            help="dotted path of an embedder class (default: settings.INTAKE_EMBEDDER)",
        )
        parser.add_argument(
            "--extra-vectors",
            type=int,
            default=0,
            help="add this many random vectors to the index, to time a large desk",
        )

    def handle(self, *args, file, embedder=None, extra_vectors=0, **options):
        if extra_vectors < 0:
            raise CommandError("--extra-vectors cannot be negative")
        try:
            pairs = read_matching_tsv(file)
        except TsvError as exc:
            raise CommandError(str(exc)) from None
        try:
            model = import_string(embedder)() if embedder else get_embedder()
        except ImportError as exc:
            raise CommandError(f"--embedder: {exc}") from None
        result = evaluate_matching(pairs, model, extra_vectors=extra_vectors)
        self.stdout.write(json.dumps(result))
