import itertools

import pytest

from factcheck.demo.data import SEED_ARTICLE
from factcheck.intake.checkworthiness import (
    Decision,
    RuleScorer,
    TrainedScorer,
    train_and_maybe_replace,
)
from factcheck.intake.rules import ALL_CODES, REASON_LABELS
from factcheck.intake.sentences import split_sentences

CHECKABLE = [
    "Unemployment fell to {n} percent in {y}, the lowest since {z}.",
    "The government spent {n} million dollars on roads in {y}.",
    "Exports rose by {n} percent between {z} and {y}.",
    "The army said {n} soldiers were killed in {y}.",
]
OPINION = [
    "I think we all deserve a better future for our children.",
    "Thank you all for being here tonight, it means a lot.",
    "We must come together and believe in ourselves again.",
    "What a wonderful evening, God bless you all.",
]


def english_rows(count, start=0):
    numbers = itertools.count(3 + start)
    rows = []
    for i in range(count):
        n = next(numbers)
        if i % 2:
            text = OPINION[i % 4] + f" Really, friend {n}."
            rows.append(Decision(text, False, start + i))
        else:
            text = CHECKABLE[i % 4].format(n=n, y=1990 + n % 30, z=1970 + n % 20)
            rows.append(Decision(text, True, start + i))
    return rows


@pytest.fixture
def trigram_embedder(settings):
    settings.INTAKE_EMBEDDER = "tests.intake_embedder.TrigramEmbedder"


def test_it_gives_rule_scores_with_the_reasons_a_person_can_read():
    scored = RuleScorer("en").score(
        [
            "Inflation rose to 60 percent in March 2023, the highest since 1998.",
            "I think we deserve better?",
        ]
    )
    assert scored[0].score > 0.7 > 0.2 > scored[1].score
    assert {"number", "date", "comparison"} <= set(scored[0].reasons)
    assert {"question", "opinion", "short"} <= set(scored[1].reasons)
    assert all(str(REASON_LABELS[code]) for code in ALL_CODES)


def test_it_gives_arabic_rule_scores_with_reasons():
    checkable, wish = RuleScorer("ar").score(
        [
            "وقال الوزير إن البطالة ارتفعت إلى 12 بالمئة في آذار 2023.",
            "اللهم احفظ بلادنا؟",
        ]
    )
    assert {"number", "date", "comparison", "attribution"} <= set(checkable.reasons)
    assert checkable.score > 0.8 > 0.2 > wish.score


def test_it_ranks_the_seed_articles_rome_statute_sentence_among_the_top_three():
    sentences = [s.text for s in split_sentences(SEED_ARTICLE.text)]
    scored = RuleScorer("ar").score(sentences)
    ranked = sorted(zip(scored, sentences, strict=True), key=lambda p: -p[0].score)
    top_three = [text for _scored, text in ranked[:3]]
    assert any("نظام روما الأساسي" in text for text in top_three)


def test_it_trains_an_english_model_that_ranks_unseen_claims_above_opinions():
    scorer = TrainedScorer.train("en", english_rows(40))
    claim, opinion = scorer.score(
        [
            "Imports rose by 17 percent between 1999 and 2004.",
            "I think we all deserve better, thank you.",
        ]
    )
    assert claim.score > 0.5 > opinion.score
    assert "number" in claim.reasons


def test_it_saves_a_model_as_bytes_and_loads_it_with_the_same_scores():
    scorer = TrainedScorer.train("en", english_rows(40))
    loaded = TrainedScorer.from_bytes(scorer.to_bytes())
    texts = ["Exports rose by 9 percent in 2001.", "God bless you all."]
    assert loaded.version == scorer.version
    assert loaded.language == "en"
    assert loaded.score(texts) == scorer.score(texts)


def test_it_versions_a_model_by_its_language_recipe_and_training_rows():
    first = TrainedScorer.train("en", english_rows(40)).version
    again = TrainedScorer.train("en", english_rows(40)).version
    other = TrainedScorer.train("en", english_rows(42)).version
    assert first == again != other
    assert first.startswith("en-words-cues-lr-1-n40-")


def test_it_refuses_to_train_on_one_class():
    rows = [row for row in english_rows(40) if row.label]
    with pytest.raises(ValueError, match="both"):
        TrainedScorer.train("en", rows)


def test_it_trains_the_arabic_model_on_the_configured_embedders_vectors(
    trigram_embedder, settings
):
    rows = [
        Decision(f"ارتفعت البطالة إلى {n} بالمئة في عام {1990 + n}", True, n)
        if n % 2
        else Decision(f"اللهم احفظ بلادنا وأهلنا يا رب {n}", False, n)
        for n in range(30)
    ]
    scorer = TrainedScorer.train("ar", rows)
    claim, prayer = scorer.score(["ارتفعت البطالة إلى 44 بالمئة", "اللهم احفظ أهلنا"])
    assert claim.score > 0.5 > prayer.score
    assert scorer.version.startswith("ar-vectors-svm-1-n30-")
    loaded = TrainedScorer.from_bytes(scorer.to_bytes())
    assert loaded.score(["اللهم احفظ أهلنا"]) == [prayer]

    settings.INTAKE_EMBEDDER = "tests.intake_embedder.OtherTrigramEmbedder"
    with pytest.raises(ValueError, match="retrain"):
        loaded.score(["اللهم احفظ أهلنا"])


def test_it_replaces_a_model_that_ranks_recent_decisions_worse():
    rows = english_rows(60)
    inverted = [Decision(r.text, not r.label, r.decided_at) for r in rows]
    current = TrainedScorer.train("en", inverted)

    outcome = train_and_maybe_replace(current, rows, language="en")

    assert outcome.replaced
    assert outcome.candidate_ap > outcome.current_ap
    assert outcome.holdout_size == 20
    assert outcome.scorer.version == TrainedScorer.train("en", rows).version


def test_it_keeps_the_current_model_when_the_candidate_ranks_recent_decisions_worse():
    # The newest decisions turn on words the older ones never had: a model
    # trained only on the older rows cannot rank them, one that saw them can.
    older = english_rows(40)
    newer = [
        Decision(
            f"The {'zorblat' if i % 2 else 'quuxian'} report {i} was filed.",
            bool(i % 2),
            100 + i,
        )
        for i in range(20)
    ]
    current = TrainedScorer.train("en", older + newer)

    outcome = train_and_maybe_replace(current, older + newer, language="en")

    assert not outcome.replaced
    assert outcome.scorer is current
    assert outcome.candidate_ap < outcome.current_ap


def test_it_keeps_the_current_scorer_when_recent_decisions_are_all_one_label():
    rows = english_rows(40) + [
        Decision(f"Exports rose by {n} percent in 2001.", True, 100 + n)
        for n in range(20)
    ]
    current = RuleScorer("en")

    outcome = train_and_maybe_replace(current, rows, language="en")

    assert not outcome.replaced
    assert outcome.scorer is current
    assert outcome.candidate_ap is None
