"""The measures the evaluate_* commands print, computed without the database.

Check-worthiness is judged as a ranked queue (average precision, ROC-AUC) and,
as CheckThat! does, by the F1 of "Yes" at the scorer's threshold. Matching is
judged by whether the right target comes first (success@1), among the first
five (success@5), its reciprocal rank, and the time one query takes.
"""

import csv
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.metrics import average_precision_score, f1_score, roc_auc_score

from .checkworthiness import Scorer
from .embeddings import Embedder
from .language import ARABIC, ENGLISH
from .matching import VectorIndex
from .tsv import LabelledRow, TsvError

THRESHOLD = 0.5
LANGUAGES = (ARABIC, ENGLISH)


def evaluate_scorer(scorer: Scorer, rows: Sequence[LabelledRow]) -> dict:
    labels = [row.label for row in rows]
    if len(set(labels)) < 2:
        raise ValueError("the file needs both Yes and No rows to be ranked")
    scores = np.array([scored.score for scored in scorer.score([r.text for r in rows])])
    return {
        "n": len(rows),
        "positives": sum(labels),
        "average_precision": round(float(average_precision_score(labels, scores)), 4),
        "roc_auc": round(float(roc_auc_score(labels, scores)), 4),
        "f1_yes": round(float(f1_score(labels, scores >= THRESHOLD)), 4),
        "threshold": THRESHOLD,
        "scorer": scorer.version,
    }


@dataclass(frozen=True)
class MatchingPair:
    query: str  # "" for a distractor: a target that answers no query
    query_language: str
    target: str
    target_language: str


def read_matching_tsv(path: str | Path) -> list[MatchingPair]:
    """Rows `query, query_language, target, target_language`; a header is allowed.

    A row with an empty query and query language adds a distractor target.
    """
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            pairs = [
                _pair(line, fields)
                for line, fields in enumerate(reader, start=1)
                if fields
                and fields != [""]
                and not (line == 1 and fields[:1] == ["query"])
            ]
    except OSError as exc:
        raise TsvError(f"{path}: cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise TsvError(f"{path}: is not UTF-8 text") from None
    if not any(pair.query for pair in pairs):
        raise TsvError(f"{path}: has no query rows")
    return pairs


def _pair(line: int, fields: list[str]) -> MatchingPair:
    if len(fields) != 4:
        raise TsvError(f"line {line}: {len(fields)} columns where 4 are expected")
    query, query_language, target, target_language = (f.strip() for f in fields)
    if not target or target_language not in LANGUAGES:
        raise TsvError(f"line {line}: needs a target and its language (ar or en)")
    if bool(query) != bool(query_language) or (
        query and query_language not in LANGUAGES
    ):
        raise TsvError(f"line {line}: a query needs its language (ar or en)")
    return MatchingPair(query, query_language, target, target_language)


def evaluate_matching(
    pairs: Sequence[MatchingPair], embedder: Embedder, *, extra_vectors: int = 0
) -> dict:
    """Index every target (plus random padding), rank them for every query.

    `extra_vectors` adds random unit vectors to the index, which no query
    matches, to time the search at a newsroom's scale.
    """
    targets = [pair.target for pair in pairs]
    vectors = embedder.embed(targets)
    if extra_vectors:
        padding = np.random.default_rng(0).normal(
            size=(extra_vectors, vectors.shape[1])
        )
        padding /= np.linalg.norm(padding, axis=1, keepdims=True)
        vectors = np.vstack([vectors, padding.astype(np.float32)])
        targets = targets + [""] * extra_vectors
    index = VectorIndex(vectors, targets)
    ranks, query_ms, search_ms = [], [], []
    for expected, pair in enumerate(pairs):
        if not pair.query:
            continue
        started = time.perf_counter()
        vector = embedder.embed([pair.query])[0]
        searched = time.perf_counter()
        found = [match.index for match in index.search(vector, pair.query, limit=5)]
        finished = time.perf_counter()
        query_ms.append((finished - started) * 1000)
        search_ms.append((finished - searched) * 1000)
        ranks.append(found.index(expected) + 1 if expected in found else None)
    return {
        "n": len(ranks),
        "success_at_1": round(sum(rank == 1 for rank in ranks) / len(ranks), 4),
        "success_at_5": round(sum(rank is not None for rank in ranks) / len(ranks), 4),
        # Ranks past the fifth count as 0: the measure is MRR@5.
        "mrr": round(sum(1 / rank for rank in ranks if rank) / len(ranks), 4),
        "p95_ms": round(float(np.percentile(query_ms, 95)), 2),
        "search_p95_ms": round(float(np.percentile(search_ms, 95)), 2),
        "indexed": len(targets),
        "embedder": embedder.name,
    }
