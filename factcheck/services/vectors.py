"""Claims' sentence vectors: computing them, storing them, and the in-process
indexes that search them.

Where they live: one `ClaimVector` row per claim (factcheck/models/vectors.py
says why `bytea` and not pgvector). When: a claim created or whose text
changes sets its row waiting in the same transaction (outbox.record_embedding),
and Celery computes the vector from the text as it is when the job runs
(`store_vector`); publication needs no new vector, because the public index
is chosen by a query, not by a flag on the vector. An existing desk, or one
that changed embedders (settings.INTAKE_EMBEDDER), fills its vectors with
`python manage.py embed_claims` (`backfill`).

The indexes: the public one holds the published fact-checks' claims, the
desk's every claim. Each process loads one once, keyed by the public
generation (pagecache: every publication, correction and retraction) and the
vectors' own generation (bumped after a vector is stored): two cache reads
per query, no database query, while neither changes. Whatever the index
holds, what it finds is read again through `published()` by the public
endpoint, so an index a moment old can never show an unpublished claim.

A claim whose vector is missing or stale (another embedder, an older text)
when an index loads is embedded on the fly, the newest ON_THE_FLY of them:
that covers claims created a moment ago whose job has not run yet, and a
text corrected since its vector was computed. Past that number they are
skipped, with a warning naming the backfill command: embedding a whole
un-backfilled desk (minutes at 20,000 claims) must not happen in a reader's
request.
"""

import logging
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
from django.core.cache import cache
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import MD5
from django.utils import timezone

from factcheck import pagecache
from factcheck.intake.embeddings import get_embedder
from factcheck.intake.matching import VectorIndex
from factcheck.models import Claim, ClaimVector, FactCheck, JobState, text_md5

logger = logging.getLogger(__name__)

ON_THE_FLY = 200
BACKFILL_BATCH = 256
GENERATION_KEY = "intake:vectors:generation"
# Stored little-endian whatever the machine, so a dump moves between machines.
DTYPE = np.dtype("<f4")


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=DTYPE).tobytes()


# --- Computing and storing ----------------------------------------------------------


def store_vector(row: ClaimVector, *, lease: str) -> bool:
    """Compute the vector of the row's claim from its text as it is now; False
    when the row was taken back meanwhile (its text changed again: the newer
    job stores the newer vector)."""
    text = Claim.objects.values_list("text", flat=True).get(pk=row.claim_id)
    embedder = get_embedder()
    vector = embedder.embed([text])[0]
    now = timezone.now()
    stored = ClaimVector.objects.filter(
        pk=row.pk, state=JobState.RUNNING, lease=lease
    ).update(
        state=JobState.DONE,
        finished_at=now,
        updated_at=now,
        embedder=embedder.name,
        text_md5=text_md5(text),
        vector=to_bytes(vector),
        error="",
    )
    if stored:
        changed()
    return bool(stored)


def stale_claims(claims: QuerySet[Claim] | None = None) -> QuerySet[Claim]:
    """Claims without a vector of the current embedder for their current text."""
    current = ClaimVector.objects.filter(
        claim=OuterRef("pk"),
        embedder=get_embedder().name,
        text_md5=MD5(OuterRef("text")),
        vector__isnull=False,
    )
    claims = Claim.objects.all() if claims is None else claims
    return claims.filter(~Exists(current))


def backfill(
    claims: QuerySet[Claim] | None = None,
    *,
    batch_size: int = BACKFILL_BATCH,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Compute and store the missing and stale vectors, a batch at a time;
    how many were stored. Run again, it finds nothing to do."""
    embedder = get_embedder()
    pending = list(stale_claims(claims).order_by("pk").values_list("pk", flat=True))
    done = 0
    for start in range(0, len(pending), batch_size):
        batch = list(
            Claim.objects.filter(pk__in=pending[start : start + batch_size])
            .order_by("pk")
            .values_list("pk", "text")
        )
        vectors = embedder.embed([text for _pk, text in batch])
        now = timezone.now()
        ClaimVector.objects.bulk_create(
            [
                ClaimVector(
                    claim_id=pk,
                    state=JobState.DONE,
                    run_after=now,
                    finished_at=now,
                    updated_at=now,
                    embedder=embedder.name,
                    text_md5=text_md5(text),
                    vector=to_bytes(vector),
                )
                for (pk, text), vector in zip(batch, vectors, strict=True)
            ],
            update_conflicts=True,
            unique_fields=["claim"],
            update_fields=[
                "state",
                "lease",
                "error",
                "finished_at",
                "updated_at",
                "embedder",
                "text_md5",
                "vector",
            ],
        )
        done += len(batch)
        if progress:
            progress(done, len(pending))
    if done:
        changed()
    return done


# --- The indexes ----------------------------------------------------------------


def generation() -> str:
    return cache.get_or_set(GENERATION_KEY, lambda: uuid.uuid4().hex, timeout=None)


def changed() -> None:
    """Stored vectors changed: every process reloads its indexes on next use."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


@dataclass
class ClaimIndex:
    """Vectors searchable by brute force, each under a key (a claim's or a
    fact-check's id), with how the index came to be."""

    keys: list[int]
    index: VectorIndex
    embedded: int = 0  # computed on the fly when it loaded
    skipped: int = 0  # left out: no current vector, past ON_THE_FLY
    _positions: dict[int, int] = field(default_factory=dict, repr=False)

    def __post_init__(self):
        self._positions = {key: i for i, key in enumerate(self.keys)}

    def vector_of(self, key: int) -> np.ndarray | None:
        position = self._positions.get(key)
        return None if position is None else self.index.vectors[position]

    def search(self, vector: np.ndarray, text: str, *, limit: int):
        """[(key, score, match)], the closest first."""
        return [
            (self.keys[m.index], m.score, m)
            for m in self.index.search(vector, text, limit=limit)
        ]


Row = tuple[int, str, bytes | None, str | None, str | None]


def load_index(rows: Iterable[Row]) -> ClaimIndex:
    """An index of (key, text, stored vector, its embedder, its text digest)
    rows; vectors missing or stale are embedded on the fly, the newest
    ON_THE_FLY of them (rows come oldest first), the others skipped."""
    embedder = get_embedder()
    rows = list(rows)
    fresh = [
        vector is not None and name == embedder.name and digest == text_md5(text)
        for _key, text, vector, name, digest in rows
    ]
    missing = [i for i, ok in enumerate(fresh) if not ok]
    on_the_fly = set(missing[-ON_THE_FLY:]) if ON_THE_FLY else set()
    skipped = len(missing) - len(on_the_fly)
    if skipped:
        logger.warning(
            "%d claims have no current vector and are left out of matching: "
            "run `python manage.py embed_claims`",
            skipped,
        )
    kept = [i for i, ok in enumerate(fresh) if ok or i in on_the_fly]
    vectors = np.zeros((len(kept), embedder.dimensions), dtype=np.float32)
    stored = [n for n, i in enumerate(kept) if fresh[i]]
    if stored:
        vectors[stored] = np.frombuffer(
            b"".join(bytes(rows[kept[n]][2]) for n in stored), dtype=DTYPE
        ).reshape(len(stored), embedder.dimensions)
    computed = [n for n, i in enumerate(kept) if not fresh[i]]
    if computed:
        vectors[computed] = embedder.embed([rows[kept[n]][1] for n in computed])
    texts = [rows[i][1] for i in kept]
    return ClaimIndex(
        keys=[rows[i][0] for i in kept],
        index=VectorIndex(vectors, texts),
        embedded=len(computed),
        skipped=skipped,
    )


def claim_rows(claims: QuerySet[Claim]) -> QuerySet:
    return claims.order_by("pk").values_list(
        "pk", "text", "vector__vector", "vector__embedder", "vector__text_md5"
    )


def _published_rows() -> QuerySet:
    return (
        FactCheck.objects.published()
        .order_by("pk")
        .values_list(
            "pk",
            "claim__text",
            "claim__vector__vector",
            "claim__vector__embedder",
            "claim__vector__text_md5",
        )
    )


_loaded: dict[str, tuple[tuple, ClaimIndex]] = {}
_loading = threading.Lock()


def _kept(name: str, rows: Callable[[], QuerySet]) -> ClaimIndex:
    key = (get_embedder().name, pagecache.generation(), generation())
    with _loading:
        kept = _loaded.get(name)
        if kept is None or kept[0] != key:
            kept = _loaded[name] = (key, load_index(rows()))
    return kept[1]


def public_index() -> ClaimIndex:
    """The published fact-checks (keyed by fact-check id), by their claims' vectors."""
    return _kept("public", _published_rows)


def desk_index() -> ClaimIndex:
    """Every claim of the desk (keyed by claim id)."""
    return _kept("desk", lambda: claim_rows(Claim.objects.all()))
