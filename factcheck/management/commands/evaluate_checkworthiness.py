"""Score a labelled CheckThat!-format file and print how well the ranking does."""

import json
from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from factcheck.intake.checkworthiness import Decision, TrainedScorer
from factcheck.intake.evaluation import LANGUAGES, evaluate_scorer
from factcheck.intake.language import detect_language
from factcheck.intake.tsv import TsvError, read_labelled_tsv
from factcheck.services import intake


class Command(BaseCommand):
    help = (
        "Score every row of a CheckThat!-format TSV (id, text, class_label Yes/No) "
        "and print JSON: n, positives, average_precision, roc_auc, f1_yes, "
        "threshold, scorer. Without --train, the scorer is the desk's current "
        "model for the language (the one that ranks new articles: trained by "
        "train_checkworthiness, or the rule-based scorer until one is); with "
        "--train, a model trained on that file alone (the desk's is not changed)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="labelled TSV to score")
        parser.add_argument("--train", help="labelled TSV to train a model on first")
        parser.add_argument(
            "--language",
            choices=LANGUAGES,
            help="language of the sentences (default: the one most rows are in)",
        )

    def handle(self, *args, file, train=None, language=None, **options):
        try:
            rows = read_labelled_tsv(file)
            training = read_labelled_tsv(train) if train else None
        except TsvError as exc:
            raise CommandError(str(exc)) from None
        if not rows:
            raise CommandError(f"{file}: has no rows")
        language = language or _majority_language(row.text for row in rows)
        if training is None:
            scorer = intake.load_scorer(intake.current_scorer(language))
        else:
            decisions = [Decision(r.text, r.label, i) for i, r in enumerate(training)]
            try:
                scorer = TrainedScorer.train(language, decisions)
            except ValueError as exc:
                raise CommandError(f"{train}: {exc}") from None
        try:
            result = evaluate_scorer(scorer, rows)
        except ValueError as exc:
            raise CommandError(f"{file}: {exc}") from None
        self.stdout.write(json.dumps({"language": language, **result}))


def _majority_language(texts) -> str:
    return Counter(detect_language(text) for text in texts).most_common(1)[0][0]
