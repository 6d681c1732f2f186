"""Retrain the check-worthiness model from the editors' decisions."""

import json

from django.core.management.base import BaseCommand, CommandError

from factcheck.intake.evaluation import LANGUAGES
from factcheck.intake.tsv import TsvError, read_labelled_tsv
from factcheck.services import intake


class Command(BaseCommand):
    help = (
        "Train each language's check-worthiness model on the editors' decisions "
        "(made a claim or already checked: worth checking; opinion, not "
        "verifiable, not important: not), optionally seeded by a CheckThat!-format "
        "TSV whose rows count as older than any decision. The new model replaces "
        "the current one only if it ranks the most recent fifth of the rows at "
        "least as well (average precision). Prints one JSON line per language."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--language",
            choices=LANGUAGES,
            help="train only this language (default: Arabic and English)",
        )
        parser.add_argument(
            "--from",
            dest="seed",
            metavar="FILE.tsv",
            help="labelled sentences to train on besides the decisions",
        )

    def handle(self, *args, language=None, seed=None, **options):
        if seed and not language:
            raise CommandError("--from needs --language: a seed file is one language")
        try:
            rows = read_labelled_tsv(seed) if seed else []
        except TsvError as exc:
            raise CommandError(str(exc)) from None
        seeded = [(row.text, row.label) for row in rows]
        for code in [language] if language else intake.TRAINED_LANGUAGES:
            try:
                training = intake.train_scorer(code, seed=seeded)
            except ValueError as exc:
                raise CommandError(f"{code}: {exc}") from None
            self.stdout.write(json.dumps(_report(training)))


def _report(training: intake.Training) -> dict:
    replacement = training.replacement
    return {
        "language": training.language,
        "decisions": training.decisions,
        "seed_rows": training.seeded,
        "replaced": replacement.replaced,
        "model": replacement.scorer.version,
        "holdout": replacement.holdout_size,
        "candidate_average_precision": replacement.candidate_ap,
        "current_average_precision": replacement.current_ap,
    }
