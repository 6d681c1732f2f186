"""Intake figures that the evaluate_* commands do not print (issue 15).

    python -m bench.intake speed      # a 40-sentence article: split, score, match
    python -m bench.intake curve      # AP as the desk's decisions accumulate

`speed` builds a 40-sentence article from the seed article's sentences and the
matching pairs, warms the models up once (a worker keeps them loaded), then
times `analyse_article` with the rule-based and with a trained Arabic scorer,
against an index of 20,000 vectors. `curve` replays the rows of a dev file in
time order (tweet ids grow with time) as editors' decisions, retrains with
`train_and_maybe_replace` at 50, 200 and 800 decisions, and reports average
precision on the rows that come after the 800th (the same rows for every
point), which no model has seen. Data are read from ../shared/data (or
SHARED_DATA) and never copied.

Measured on 2026-11-30, 2 cores shared (load average 11-15):
- speed: 40 sentences, 20,000 vectors: 1.56 s median (1.67 max) with the
  rules, 1.94 s (2.00 max) with a trained Arabic scorer.
- curve ar (AP on the 293 rows after the 800th): rules 0.381; 50 decisions
  0.360 (replaced: a 20-row hold-out is noisy); 200 kept the 50-row model;
  800 decisions 0.536.
- curve en (232 later rows): rules 0.757; 50 decisions 0.805; 200 kept it;
  800 decisions 0.896.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
django.setup()

import numpy as np  # noqa: E402
from sklearn.metrics import average_precision_score  # noqa: E402

from factcheck.demo.data import SEED_ARTICLE  # noqa: E402
from factcheck.intake.checkworthiness import (  # noqa: E402
    Decision,
    RuleScorer,
    TrainedScorer,
    train_and_maybe_replace,
)
from factcheck.intake.embeddings import get_embedder  # noqa: E402
from factcheck.intake.evaluation import read_matching_tsv  # noqa: E402
from factcheck.intake.matching import VectorIndex  # noqa: E402
from factcheck.intake.pipeline import analyse_article  # noqa: E402
from factcheck.intake.sentences import split_sentences  # noqa: E402
from factcheck.intake.tsv import read_labelled_tsv  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SHARED_DATA", REPO.parent / "shared" / "data"))
CHECKPOINTS = (50, 200, 800)


def forty_sentence_article() -> str:
    seed = [s.text for s in split_sentences(SEED_ARTICLE.text)]
    pairs = read_matching_tsv(REPO / "bench" / "data" / "matching-pairs.tsv")
    arabic = [p.target if p.target_language == "ar" else p.query for p in pairs]
    extra = [text for text in arabic if text and text not in seed]
    return "\n".join((seed + extra)[:40])


def speed(runs: int = 5) -> dict:
    embedder = get_embedder()
    article = forty_sentence_article()
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(20_000, embedder.dimensions)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = VectorIndex(vectors, [f"fact-check {i % 300}" for i in range(20_000)])
    training = [
        Decision(r.text, r.label, int(r.id))
        for r in read_labelled_tsv(SHARED / "checkthat2024" / "ar" / "dev.tsv")[:300]
    ]
    trained = TrainedScorer.train("ar", training)
    result = {"sentences": len(split_sentences(article)), "index": len(vectors)}
    for label, scorer in (("rules", RuleScorer("ar")), ("trained", trained)):
        timings = []
        for run in range(runs + 1):
            # A different article each run, so no sentence is remembered.
            text = article.replace(".", f" ({label} {run}).")
            started = time.perf_counter()
            analyse_article(
                text, scorers={"ar": scorer}, embedder=embedder, index=index
            )
            timings.append(time.perf_counter() - started)
        # The first run loads the model from disk, which a worker does once.
        result[f"{label}_first_s"] = round(timings[0], 2)
        result[f"{label}_median_s"] = round(statistics.median(timings[1:]), 2)
        result[f"{label}_max_s"] = round(max(timings[1:]), 2)
    return result


def curve(language: str = "ar") -> dict:
    rows = read_labelled_tsv(SHARED / "checkthat2024" / language / "dev.tsv")
    rows = sorted(rows, key=lambda row: int(row.id))
    later = rows[CHECKPOINTS[-1] :]
    labels = [row.label for row in later]
    texts = [row.text for row in later]
    current = RuleScorer(language)
    points = [
        {"decisions": 0, "scorer": current.version, **_ap(current, texts, labels)}
    ]
    for count in CHECKPOINTS:
        decisions = [Decision(r.text, r.label, int(r.id)) for r in rows[:count]]
        outcome = train_and_maybe_replace(current, decisions, language=language)
        current = outcome.scorer
        points.append(
            {
                "decisions": count,
                "replaced": outcome.replaced,
                "holdout_ap_candidate": _round(outcome.candidate_ap),
                "holdout_ap_current": _round(outcome.current_ap),
                "scorer": current.version,
                **_ap(current, texts, labels),
            }
        )
    return {"language": language, "later_rows": len(later), "points": points}


def _ap(scorer, texts, labels) -> dict:
    scores = [scored.score for scored in scorer.score(texts)]
    return {"later_ap": round(float(average_precision_score(labels, scores)), 4)}


def _round(value):
    return None if value is None else round(value, 4)


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "speed"
    if what == "speed":
        print(json.dumps(speed()))
    else:
        print(json.dumps(curve(sys.argv[2] if len(sys.argv) > 2 else "ar")))
