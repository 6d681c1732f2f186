"""An article's text in, its sentences out: scored, attributed and matched.

This is the whole of intake's processing without the database: the Celery
task loads the current scorers, the desk's claimant names and the index of
earlier claims and fact-checks, calls `analyse_article`, and stores what it
returns (the vectors too, so the sentences become searchable themselves).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from .attribution import Attribution, attribute_sentences, match_claimant
from .checkworthiness import RuleScorer, Scorer
from .embeddings import Embedder
from .matching import Match, VectorIndex
from .sentences import Sentence, split_sentences


@dataclass(frozen=True)
class Proposal:
    sentence: Sentence
    score: float
    reasons: tuple[str, ...]
    scorer_version: str
    attribution: Attribution | None
    claimant: str | None  # the known claimant name the speaker matched
    matches: list[Match]
    vector: np.ndarray


def analyse_article(
    text: str,
    *,
    scorers: Mapping[str, Scorer],
    embedder: Embedder,
    claimant_names: Iterable[str] = (),
    index: VectorIndex | None = None,
    matches_per_sentence: int = 3,
) -> list[Proposal]:
    """Every sentence of the article, the most check-worthy first."""
    sentences = split_sentences(text)
    if not sentences:
        return []
    claimant_names = list(claimant_names)
    scored = _score(sentences, scorers)
    attributions = attribute_sentences([(s.text, s.language) for s in sentences])
    vectors = embedder.embed([s.text for s in sentences])
    proposals = []
    for i, sentence in enumerate(sentences):
        attribution = attributions[i]
        claimant = None
        if attribution and (attribution.name or attribution.speaker):
            name = attribution.name or attribution.speaker
            found = match_claimant(name, claimant_names)
            claimant = found[0] if found else None
        matches = (
            index.search(vectors[i], sentence.text, limit=matches_per_sentence)
            if index is not None
            else []
        )
        score, reasons, version = scored[i]
        proposals.append(
            Proposal(
                sentence,
                score,
                reasons,
                version,
                attribution,
                claimant,
                matches,
                vectors[i],
            )
        )
    return sorted(proposals, key=lambda p: (-p.score, p.sentence.position))


def _score(sentences: list[Sentence], scorers: Mapping[str, Scorer]):
    results: dict[int, tuple[float, tuple[str, ...], str]] = {}
    for language in {s.language for s in sentences}:
        scorer = scorers.get(language) or RuleScorer(language)
        group = [s for s in sentences if s.language == language]
        for sentence, scored in zip(
            group, scorer.score([s.text for s in group]), strict=True
        ):
            results[sentence.position] = (scored.score, scored.reasons, scorer.version)
    return [results[s.position] for s in sentences]
