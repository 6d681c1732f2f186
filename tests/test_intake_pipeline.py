from factcheck.demo.data import CLAIMANTS, CLAIMS, SEED_ARTICLE
from factcheck.intake.checkworthiness import RuleScorer
from factcheck.intake.matching import VectorIndex
from factcheck.intake.pipeline import analyse_article
from tests.intake_embedder import TrigramEmbedder


def test_it_proposes_the_seed_articles_sentences_ranked_attributed_and_matched():
    embedder = TrigramEmbedder()
    earlier = [claim.text for claim in CLAIMS]
    index = VectorIndex(embedder.embed(earlier), earlier)

    proposals = analyse_article(
        SEED_ARTICLE.text,
        scorers={"ar": RuleScorer("ar")},
        embedder=embedder,
        claimant_names=[claimant.name for claimant in CLAIMANTS],
        index=index,
    )

    assert len(proposals) == 14
    assert [p.score for p in proposals] == sorted(
        (p.score for p in proposals), reverse=True
    )
    rome = next(p for p in proposals if "نظام روما الأساسي" in p.sentence.text)
    assert proposals.index(rome) < 3
    assert earlier[rome.matches[0].index] == CLAIMS[0].text
    assert rome.scorer_version == "rules-ar-1"
    assert "denial" in rome.reasons
    peskov = next(p for p in proposals if p.sentence.text.startswith("وقال بيسكوف"))
    assert peskov.claimant == "ديمتري بيسكوف"
    assert peskov.vector.shape == (256,)


def test_it_scores_each_language_with_its_own_scorer_and_rules_where_none_is_given():
    proposals = analyse_article(
        "Inflation rose to 60 percent in 2023. وقال الوزير إن البطالة بلغت 12 بالمئة.",
        scorers={"en": RuleScorer("en")},
        embedder=TrigramEmbedder(),
    )
    assert sorted((p.sentence.language, p.scorer_version) for p in proposals) == [
        ("ar", "rules-ar-1"),
        ("en", "rules-en-1"),
    ]
    assert all(p.matches == [] for p in proposals)


def test_it_proposes_nothing_for_an_article_of_page_chrome():
    assert (
        analyse_article(
            "Subscribe to our newsletter\nPhoto: Reuters",
            scorers={},
            embedder=TrigramEmbedder(),
        )
        == []
    )
