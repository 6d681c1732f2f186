"""`manage.py train_checkworthiness` and the nightly job: a model learns from the
editors' decisions and replaces the current one only when it ranks as well."""

import json
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from factcheck import tasks
from factcheck.models import ScorerKind, ScorerModel
from factcheck.services import intake

pytestmark = [pytest.mark.django_db]

HEADER = "Sentence_id\tText\tclass_label\n"
CHECKABLE = "Unemployment fell to {n} percent in {y}, the lowest since 1990."
OPINION = "I think we all deserve better, thank you friend {n}."


def english_tsv(path, count, *, inverted_before=0):
    """Alternating check-worthy and opinion rows; the first `inverted_before`
    rows carry the opposite labels (a seed that disagrees with the desk)."""
    lines = [HEADER]
    for n in range(count):
        worthy = bool(n % 2)
        text = CHECKABLE.format(n=n, y=1900 + n) if worthy else OPINION.format(n=n)
        label = worthy != (n < inverted_before)
        lines.append(f"{n}\t{text}\t{'Yes' if label else 'No'}\n")
    path.write_text("".join(lines), encoding="utf-8")
    return str(path)


def train(*args) -> list[dict]:
    out = StringIO()
    call_command("train_checkworthiness", *args, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_a_seed_file_trains_a_model_that_replaces_the_rules(tmp_path):
    [result] = train("--language", "en", "--from", english_tsv(tmp_path / "s.tsv", 80))

    assert result["replaced"] is True
    assert result["seed_rows"] == 80
    assert result["decisions"] == 0
    assert result["holdout"] == 20
    assert result["candidate_average_precision"] >= result["current_average_precision"]
    current = intake.current_scorer("en")
    assert current.kind == ScorerKind.TRAINED
    assert current.version == result["model"]
    assert ScorerModel.objects.filter(language="en").count() == 2


def test_a_model_that_ranks_the_latest_rows_worse_is_not_kept(tmp_path):
    [first] = train("--language", "en", "--from", english_tsv(tmp_path / "a.tsv", 80))
    misleading = english_tsv(tmp_path / "b.tsv", 80, inverted_before=60)

    [second] = train("--language", "en", "--from", misleading)

    assert second["replaced"] is False
    assert second["candidate_average_precision"] < second["current_average_precision"]
    assert intake.current_scorer("en").version == first["model"]


def test_without_enough_decisions_each_language_keeps_its_model():
    results = train()
    assert [(r["language"], r["replaced"]) for r in results] == [
        ("ar", False),
        ("en", False),
    ]
    assert {m.kind for m in ScorerModel.objects.current()} == {ScorerKind.RULES}


def test_it_refuses_a_seed_file_without_a_language_or_that_is_not_tsv(tmp_path):
    with pytest.raises(CommandError, match="--from needs --language"):
        train("--from", english_tsv(tmp_path / "s.tsv", 10))
    bad = tmp_path / "bad.tsv"
    bad.write_text("id\tsomething\n1\tx\n", encoding="utf-8")
    with pytest.raises(CommandError, match="class_label"):
        train("--language", "en", "--from", str(bad))
    assert not ScorerModel.objects.filter(kind=ScorerKind.TRAINED).exists()


def test_beat_retrains_every_night():
    entry = settings.CELERY_BEAT_SCHEDULE["train-checkworthiness"]
    assert entry["task"] == "factcheck.tasks.train_checkworthiness"
    assert entry["schedule"] == 24 * 60 * 60
    assert tasks.train_checkworthiness() == {"ar": False, "en": False}
