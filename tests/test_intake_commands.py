import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from factcheck.services import intake

ENGLISH_HEADER = "Sentence_id\tText\tclass_label\n"
ARABIC_HEADER = "tweet_id\ttweet_url\ttweet_text\tclass_label\n"
CHECKABLE = "Unemployment fell to {n} percent in {y}, the lowest since 1990."
OPINION = "I think we all deserve better, thank you friend {n}."


def english_tsv(path, count, start=0):
    lines = [ENGLISH_HEADER]
    for n in range(start, start + count):
        text = CHECKABLE.format(n=n, y=1990 + n) if n % 2 else OPINION.format(n=n)
        lines.append(f"{n}\t{text}\t{'Yes' if n % 2 else 'No'}\n")
    path.write_text("".join(lines), encoding="utf-8")
    return str(path)


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_before_any_training_it_evaluates_the_rule_scorer(tmp_path):
    result = run("evaluate_checkworthiness", english_tsv(tmp_path / "dev.tsv", 20))
    assert result == {
        "language": "en",
        "n": 20,
        "positives": 10,
        "average_precision": 1.0,
        "roc_auc": 1.0,
        "f1_yes": 1.0,
        "threshold": 0.5,
        "scorer": "rules-en-1",
    }


@pytest.mark.django_db
def test_without_a_training_file_it_evaluates_the_desks_current_model(tmp_path):
    seed = english_tsv(tmp_path / "seed.tsv", 80, start=200)
    trained = run("train_checkworthiness", "--language", "en", "--from", seed)
    assert trained["replaced"] is True
    result = run("evaluate_checkworthiness", english_tsv(tmp_path / "dev.tsv", 20))
    assert result["scorer"] == trained["model"]
    assert result["scorer"] == intake.current_scorer("en").version
    assert result["roc_auc"] == 1.0


@pytest.mark.django_db
def test_a_training_file_does_not_change_the_desks_current_model(tmp_path):
    train = english_tsv(tmp_path / "train.tsv", 40)
    dev = english_tsv(tmp_path / "dev.tsv", 20, start=100)
    result = run("evaluate_checkworthiness", dev, "--train", train)
    assert result["scorer"] != intake.current_scorer("en").version == "rules-en-1"


def test_it_evaluates_a_model_trained_on_another_file(tmp_path):
    train = english_tsv(tmp_path / "train.tsv", 40)
    dev = english_tsv(tmp_path / "dev.tsv", 20, start=100)
    result = run("evaluate_checkworthiness", dev, "--train", train)
    assert result["roc_auc"] == 1.0
    assert result["scorer"].startswith("en-words-cues-lr-1-n40-")


@pytest.mark.django_db
def test_it_reads_the_text_of_arabic_files_from_the_third_column(tmp_path):
    rows = [
        f"{n}\thttps://x.example/{n}\t"
        + (f"ارتفعت البطالة إلى {n} بالمئة في آذار 2023" if n % 2 else "صباح الخير")
        + f"\t{'Yes' if n % 2 else 'No'}\n"
        for n in range(10)
    ]
    path = tmp_path / "ar.tsv"
    path.write_text(ARABIC_HEADER + "".join(rows), encoding="utf-8")
    result = run("evaluate_checkworthiness", str(path))
    assert (result["language"], result["n"], result["roc_auc"]) == ("ar", 10, 1.0)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (ENGLISH_HEADER + "1\tA sentence.\tMaybe\n", "line 2: class_label must be Yes"),
        (
            ENGLISH_HEADER + "1\tA sentence.\n",
            "line 2: 2 columns where the header has 3",
        ),
        ("id\tsentence_text\tlabel\n", "line 1: the header needs a text column"),
        (ENGLISH_HEADER + "1\tOnly one label.\tYes\n", "needs both Yes and No"),
    ],
)
@pytest.mark.django_db
def test_it_explains_a_malformed_checkworthiness_file(tmp_path, content, message):
    path = tmp_path / "bad.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("evaluate_checkworthiness", str(path))


def test_it_explains_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("evaluate_checkworthiness", str(tmp_path / "none.tsv"))
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("evaluate_matching", str(tmp_path / "none.tsv"))


PAIRS = (
    "query\tquery_language\ttarget\ttarget_language\n"
    "Turkey is a NATO member\ten\tTurkey is a member of NATO\ten\n"
    "The ICC warrant for Putin\ten\tThe ICC issued a warrant for Putin\ten\n"
    "Grain deal signed in July 2022\ten\tThe grain deal was signed in July 2022\ten\n"
    "\t\tThe grain deal was signed in July 2021\ten\n"
)


def test_it_evaluates_matching_with_the_embedder_it_is_given(tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text(PAIRS, encoding="utf-8")
    result = run(
        "evaluate_matching",
        str(path),
        "--embedder",
        "tests.intake_embedder.TrigramEmbedder",
        "--extra-vectors",
        "100",
    )
    assert {k: result[k] for k in ("n", "success_at_1", "success_at_5", "mrr")} == {
        "n": 3,
        "success_at_1": 1.0,
        "success_at_5": 1.0,
        "mrr": 1.0,
    }
    assert result["indexed"] == 104
    assert result["p95_ms"] >= result["search_p95_ms"] > 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("a\ten\tb\n", "line 1: 3 columns where 4 are expected"),
        ("a\tfr\tb\ten\n", "line 1: a query needs its language"),
        ("a\ten\t\ten\n", "line 1: needs a target and its language"),
        ("\t\tonly a distractor\ten\n", "has no query rows"),
    ],
)
def test_it_explains_a_malformed_pairs_file(tmp_path, content, message):
    path = tmp_path / "pairs.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("evaluate_matching", str(path))
