"""A national newsroom's worth of claims and fact-checks, written with COPY.

Going through factcheck.services one claim at a time would take hours at default
scale, so rows are built here and streamed in batches. They are built already in
their final state, because the database refuses what the services would refuse:
published fact-checks are inserted with their verdict, summary, headline and
approval (the CHECK constraints), never updated afterwards (the triggers of
migration 0002 forbid changing a published verdict without a correction), and each
claim has a claimant and a first appearance.

Two cores share the work: this process builds each batch's rows while a thread
writes the previous batch (the database server does its part, the search vectors,
on the other core). The full-text GIN indexes are dropped for the load and built
once at the end, several times cheaper than updating them row by row.

A marker row records the scale and the generator's version; a later run at the
same scale reuses the data instead of building it again.
"""

import dataclasses
import datetime
import queue
import random
import threading
from collections.abc import Iterable, Sequence

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.contrib.postgres.indexes import GinIndex
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import NOT_PROVIDED
from django.utils import timezone
from psycopg import sql
from psycopg.types.json import Jsonb
from tqdm import tqdm

from bench.corpus import Vocabulary, vocabularies
from factcheck.demo.data import RATINGS
from factcheck.models import (
    Appearance,
    Article,
    Claim,
    Claimant,
    ClaimantKind,
    Correction,
    CorrectionKind,
    FactCheck,
    Outlet,
    Rating,
    Source,
    SourceKind,
    Stance,
    Status,
    Tag,
)

# Bump when the generated data changes shape, so stored datasets are rebuilt.
VERSION = 2
BATCH = 1000
# Batches built ahead of the writer: enough to keep it busy, little memory.
AHEAD = 3
YEARS = 6


@dataclasses.dataclass(frozen=True)
class Scale:
    claims: int
    published: int

    @property
    def claimants(self) -> int:
        return max(8, self.claims // 25)

    @property
    def tags(self) -> int:
        return max(6, self.claims // 250)

    @property
    def outlets(self) -> int:
        return max(4, self.claims // 1000)

    @property
    def articles(self) -> int:
        return max(40, self.claims * 4 // 5)


SCALES = {
    # Only for the test suite and as the query-count reference of `tiny`.
    "micro": Scale(claims=120, published=48),
    "tiny": Scale(claims=300, published=120),
    "small": Scale(claims=5_000, published=2_000),
    "default": Scale(claims=50_000, published=20_000),
    "large": Scale(claims=200_000, published=80_000),
}

# How the claims that are not published spread over the rest of the workflow.
UNPUBLISHED_MIX = (
    (Status.SUBMITTED, 0.25),
    (Status.ACCEPTED, 0.12),
    (Status.IN_RESEARCH, 0.12),
    (Status.IN_REVIEW, 0.06),
    (Status.APPROVED, 0.03),
    (Status.RETRACTED, 0.02),
    (Status.DISMISSED, 0.40),
)
HAS_DRAFT = {
    Status.IN_RESEARCH,
    Status.IN_REVIEW,
    Status.APPROVED,
    Status.PUBLISHED,
    Status.RETRACTED,
}
EVIDENCED = HAS_DRAFT - {Status.IN_RESEARCH}
CORRECTED_SHARE = 0.06

ARABIC_NAMES = [
    "أحمد",
    "سمير",
    "محمد",
    "ليلى",
    "رنا",
    "خالد",
    "نادية",
    "يوسف",
    "هالة",
    "طارق",
    "سلمى",
    "ماجد",
    "عمر",
    "فاطمة",
    "زياد",
    "منى",
    "حسن",
    "رامي",
    "دينا",
    "وليد",
]
ARABIC_FAMILIES = [
    "الخوري",
    "منصور",
    "حداد",
    "صالح",
    "ناصر",
    "عيسى",
    "الأحمد",
    "الشامي",
    "الحسيني",
    "العلي",
    "داود",
    "يونس",
    "جابر",
    "سليمان",
]
ENGLISH_NAMES = [
    "James",
    "Maria",
    "Daniel",
    "Sarah",
    "Ahmed",
    "Elena",
    "Tom",
    "Grace",
    "Omar",
    "Helen",
]
ENGLISH_FAMILIES = [
    "Walker",
    "Brennan",
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Patel",
    "Hughes",
    "Novak",
]
ROLES = ("وزير", "نائب", "Minister", "MP", "Spokesperson", "Governor", "Analyst")
PUBLISHERS = (
    ("Reuters", "reuters.example"),
    ("United Nations", "un.example"),
    ("World Bank", "worldbank.example"),
    ("International Criminal Court", "icc-cpi.example"),
    ("الوكالة الوطنية للإعلام", "nna.example"),
    ("وزارة المالية", "finance.example"),
    ("Official Gazette", "gazette.example"),
)


def marker() -> dict | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_dataset ("
            " scale text NOT NULL, version integer NOT NULL,"
            " claims integer NOT NULL, published integer NOT NULL,"
            " generated_at timestamptz NOT NULL DEFAULT now())"
        )
        cursor.execute(
            "SELECT scale, version, claims, published FROM bench_dataset LIMIT 1"
        )
        row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip(("scale", "version", "claims", "published"), row, strict=True))


def ensure(scale_name: str, *, progress: bool = True) -> bool:
    """Build the dataset of this scale unless it is already there; True if built."""
    scale = SCALES[scale_name]
    wanted = {
        "scale": scale_name,
        "version": VERSION,
        "claims": scale.claims,
        "published": scale.published,
    }
    if marker() == wanted:
        return False
    Generator(scale, progress=progress).run()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM bench_dataset")
        cursor.execute(
            "INSERT INTO bench_dataset (scale, version, claims, published)"
            " VALUES (%s, %s, %s, %s)",
            [scale_name, VERSION, scale.claims, scale.published],
        )
        # Fresh statistics and a visibility map, as a database in service has.
        cursor.execute("VACUUM ANALYZE")
    return True


def embed_published_claims(*, progress: bool = True) -> int:
    """The stored vectors of the published claims, for the match endpoint: the
    desk's own backfill (`embed_claims`), so the bench measures what a desk
    that ran it serves. Idempotent, outside the dataset's VERSION: a dataset
    already built gets its vectors on the next run, once. Real embeddings,
    about a minute at default scale; the unpublished claims are left out, as
    nothing the bench measures matches against them."""
    from factcheck.services.vectors import backfill

    bar = tqdm(desc="vectors", unit=" claims", disable=not progress)

    def advance(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    stored = backfill(Claim.objects.filter(status=Status.PUBLISHED), progress=advance)
    bar.close()
    return stored


def _copy(cursor, model, columns: Sequence[str], rows: Iterable) -> None:
    """COPY rows of `columns` into the model's table. Any other column gets the
    field's default, so a field added to the model later needs no change here."""
    named = set(columns)
    others = [
        field
        for field in model._meta.concrete_fields
        if field.column not in named
        and not field.generated
        and not field.primary_key
        and field.db_default is NOT_PROVIDED
    ]
    defaults = tuple(
        field.get_db_prep_save(field.get_default(), connection) for field in others
    )
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table),
        sql.SQL(", ").join(
            sql.Identifier(c) for c in [*columns, *(f.column for f in others)]
        ),
    )
    with cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row((*row, *defaults))


class Generator:
    def __init__(self, scale: Scale, *, progress: bool):
        self.scale = scale
        self.progress = progress
        # Seeded: every run at one scale builds the same newsroom.
        self.rng = random.Random(20230606)  # noqa: S311
        self.vocab = vocabularies()
        self.now = timezone.now()

    # --- Setup: everything claims point to

    def run(self) -> None:
        self._truncate()
        with transaction.atomic():
            self._people()
            self._reference_data()
        self._claims()
        with connection.cursor() as cursor:
            models = [User, Outlet, Article, Claimant, Tag, Rating, Claim]
            models += [Appearance, Source, FactCheck, Correction]
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)

    def _truncate(self) -> None:
        tables = [
            m._meta.db_table
            for m in (Correction, FactCheck, Source, Appearance, Claim, Article)
        ]
        tables += [m._meta.db_table for m in (Outlet, Claimant, Tag, Rating, User)]
        tables += ["factcheck_event", "factcheck_apitoken", "django_session"]
        with connection.cursor() as cursor:
            cursor.execute(
                sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(
                    sql.SQL(", ").join(map(sql.Identifier, tables))
                )
            )

    def _people(self) -> None:
        password = make_password(None)  # no one logs in with a password here
        people = []
        for role, group, count in (
            ("editor", "Editors", 8),
            ("checker", "Fact-checkers", 24),
        ):
            members = User.objects.bulk_create(
                User(
                    username=f"bench-{role}-{n}",
                    first_name=self.rng.choice(ENGLISH_NAMES),
                    last_name=self.rng.choice(ENGLISH_FAMILIES),
                    is_staff=True,
                    password=password,
                )
                for n in range(1, count + 1)
            )
            Group.objects.get(name=group).user_set.add(*members)
            people.append([m.pk for m in members])
        self.editors, self.checkers = people

    def _reference_data(self) -> None:
        ratings = Rating.objects.bulk_create(
            Rating(
                value=r.value,
                slug=r.slug,
                label_en=r.label_en,
                label_ar=r.label_ar,
                definition_en=r.definition_en,
                definition_ar=r.definition_ar,
                colour=r.colour,
            )
            for r in RATINGS
        )
        self.ratings = [r.pk for r in ratings]
        self.outlets = Outlet.objects.bulk_create(
            Outlet(
                name=f"Outlet {n}" if n % 2 else f"صحيفة {n}",
                domain=f"outlet{n}.example",
                language="en" if n % 2 else "ar",
            )
            for n in range(1, self.scale.outlets + 1)
        )
        self.tags = [
            t.pk
            for t in Tag.objects.bulk_create(
                # A topic has a name per language, as the desk's do.
                Tag(
                    name_ar=f"{self._topic_word(n, 'ar')} {n}",
                    name_en=f"{self._topic_word(n, 'en')} {n}",
                    slug=f"topic-{n}",
                )
                for n in range(1, self.scale.tags + 1)
            )
        ]
        self.claimants = [
            c.pk
            for c in Claimant.objects.bulk_create(
                self._claimant(n) for n in range(1, self.scale.claimants + 1)
            )
        ]
        self.articles_by_language = {"ar": [], "en": []}
        with connection.cursor() as cursor:
            article = ("id", "url", "outlet_id", "title", "language")
            article += ("published_on", "text", "created_at")
            _copy(cursor, Article, article, self._articles())

    def _topic_word(self, n: int, language: str) -> str:
        topics = self.vocab[language].topics
        return topics[n % len(topics)][0]

    def _claimant(self, n: int) -> Claimant:
        if n % 2:
            name = f"{self.rng.choice(ARABIC_NAMES)} {self.rng.choice(ARABIC_FAMILIES)}"
        else:
            name = (
                f"{self.rng.choice(ENGLISH_NAMES)} {self.rng.choice(ENGLISH_FAMILIES)}"
            )
        organisation = n % 7 == 0
        return Claimant(
            name=name,
            kind=ClaimantKind.ORGANIZATION if organisation else ClaimantKind.PERSON,
            role=self.rng.choice(ROLES),
            same_as=f"https://www.wikidata.example/wiki/Q{n}" if n % 3 else "",
            slug=f"claimant-{n}",
        )

    def _articles(self):
        for n in range(1, self.scale.articles + 1):
            outlet = self.outlets[n % len(self.outlets)]
            vocab = self.vocab[outlet.language]
            topic = self.rng.randrange(len(vocab.topics))
            self.articles_by_language[outlet.language].append(n)
            yield (
                n,
                f"https://{outlet.domain}/news/{n}",
                outlet.pk,
                vocab.sentence(self.rng, topic, self.rng.randint(6, 12)),
                outlet.language,
                (self.now - self._ago()).date(),
                vocab.paragraph(self.rng, topic, self.rng.randint(80, 160)),
                self.now,
            )

    def _ago(self) -> datetime.timedelta:
        return datetime.timedelta(seconds=self.rng.uniform(0, YEARS * 365 * 86400))

    # --- Claims and everything hanging from them, a batch at a time

    def _statuses(self) -> list[str]:
        rest = self.scale.claims - self.scale.published
        statuses = [Status.PUBLISHED] * self.scale.published
        for status, share in UNPUBLISHED_MIX[:-1]:
            statuses += [status] * round(rest * share)
        statuses += [UNPUBLISHED_MIX[-1][0]] * (self.scale.claims - len(statuses))
        self.rng.shuffle(statuses)
        return statuses

    def _claims(self) -> None:
        statuses = self._statuses()
        bar = tqdm(
            total=len(statuses),
            unit=" claims",
            desc="Generating the newsroom",
            disable=not self.progress,
            dynamic_ncols=True,
        )
        self.counters = {"appearance": 0, "source": 0, "correction": 0}
        writer = Writer(bar)
        writer.start()
        try:
            for start in range(0, len(statuses), BATCH):
                batch = Batch()
                for offset, status in enumerate(statuses[start : start + BATCH]):
                    self._claim(batch, start + offset + 1, status)
                writer.put(batch)
        finally:
            writer.finish()
        bar.close()

    def _claim(self, batch: "Batch", pk: int, status: str) -> None:
        rng = self.rng
        language = "ar" if rng.random() < 0.5 else "en"
        vocab = self.vocab[language]
        topic = rng.randrange(len(vocab.topics))
        published_at = self.now - self._ago()
        created_at = published_at - datetime.timedelta(days=rng.uniform(1, 21))
        tags = rng.sample(self.tags, rng.randint(1, min(3, len(self.tags))))
        batch.claims.append(
            (
                pk,
                vocab.sentence(rng, topic, rng.randint(15, 40)),
                language,
                rng.choice(self.claimants),
                created_at.date() - datetime.timedelta(days=rng.randint(0, 5)),
                rng.choice((0, 1, 1, 1, 2, 3)),
                rng.choice(self.checkers) if status != Status.SUBMITTED else None,
                status,
                "",
                "",
                created_at,
                published_at if status in HAS_DRAFT else created_at,
                1,
            )
        )
        batch.tags += [(pk, tag) for tag in tags]
        self._appearances(batch, pk, language, vocab, topic)
        if status in EVIDENCED:
            sources = rng.randint(3, 8)
        elif status == Status.IN_RESEARCH:
            sources = rng.randint(1, 5)
        else:
            sources = rng.choice((0, 0, 1, 2))
        self._sources(batch, pk, vocab, topic, sources, created_at)
        if status in HAS_DRAFT:
            self._factcheck(batch, pk, status, language, vocab, topic, published_at)

    def _appearances(self, batch, claim: int, language, vocab: Vocabulary, topic):
        articles = self.articles_by_language[language]
        for n, article in enumerate(self.rng.sample(articles, self.rng.randint(1, 3))):
            self.counters["appearance"] += 1
            batch.appearances.append(
                (
                    self.counters["appearance"],
                    claim,
                    article,
                    vocab.sentence(self.rng, topic, self.rng.randint(10, 25)),
                    n == 0,
                )
            )

    def _sources(self, batch, claim: int, vocab: Vocabulary, topic, count, created):
        rng = self.rng
        for _ in range(count):
            self.counters["source"] += 1
            publisher, domain = rng.choice(PUBLISHERS)
            batch.sources.append(
                (
                    self.counters["source"],
                    claim,
                    f"https://{domain}/documents/{self.counters['source']}",
                    vocab.sentence(rng, topic, rng.randint(5, 12))[:500],
                    publisher,
                    rng.choice(SourceKind.values),
                    vocab.paragraph(rng, topic, rng.randint(20, 60)),
                    rng.choice(Stance.values),
                    rng.choice(self.checkers),
                    created + datetime.timedelta(hours=rng.uniform(1, 24)),
                )
            )

    def _factcheck(self, batch, claim, status, language, vocab: Vocabulary, topic, at):
        rng = self.rng
        headline = vocab.sentence(rng, topic, rng.randint(8, 14))[:200]
        body = "\n\n".join(
            (f"## {vocab.sentence(rng, topic, 4)}\n\n" if n % 3 == 2 else "")
            + vocab.paragraph(rng, topic, rng.randint(45, 90))
            for n in range(rng.randint(5, 9))
        )
        approved = status in (Status.APPROVED, Status.PUBLISHED, Status.RETRACTED)
        published = status in (Status.PUBLISHED, Status.RETRACTED)
        authors = rng.sample(self.checkers, rng.randint(1, 2))
        slug_words = "-".join(headline.rstrip(".").split()[:6])[:100]
        updated_at = at
        if published:
            updated_at = self._corrections(batch, claim, status, at)
        batch.factchecks.append(
            (
                claim,  # one fact-check per claim: the claim's id serves for both
                claim,
                headline,
                vocab.paragraph(rng, topic, rng.randint(30, 60)),
                body,
                rng.choice(self.ratings),
                language,
                f"{slug_words}-{claim}",
                rng.choice(self.editors) if approved else None,
                at - datetime.timedelta(hours=rng.uniform(1, 24)) if approved else None,
                at if published else None,
                updated_at if status == Status.RETRACTED else None,
                at - datetime.timedelta(days=1),
                updated_at,
                1,
            )
        )
        batch.authors += [(claim, author) for author in authors]

    def _corrections(self, batch, factcheck: int, status, published_at) -> datetime:
        rng = self.rng
        kinds = []
        if rng.random() < CORRECTED_SHARE:
            kinds = [
                rng.choice((CorrectionKind.CORRECTION, CorrectionKind.UPDATE))
                for _ in range(rng.randint(1, 2))
            ]
        if status == Status.RETRACTED:
            kinds.append(CorrectionKind.RETRACTION)
        at = published_at
        for kind in kinds:
            at += (self.now - at) * rng.uniform(0.05, 0.5)
            self.counters["correction"] += 1
            batch.corrections.append(
                (
                    self.counters["correction"],
                    factcheck,
                    kind,
                    f"{kind.label}: a figure in the third paragraph was wrong.",
                    Jsonb({}),
                    rng.choice(self.editors),
                    at,
                )
            )
        return at


class Writer(threading.Thread):
    """Writes batches on a connection of its own while the next ones are built:
    psycopg releases the GIL while the server works. The GIN indexes are dropped
    first and built again after the last batch, even when a batch fails; were the
    process killed in between, the next run would find no marker and build the
    dataset again, indexes included."""

    def __init__(self, bar):
        super().__init__(name="bench-dataset-writer", daemon=True)
        self.batches: queue.Queue = queue.Queue(maxsize=AHEAD)
        self.bar = bar
        self.error: BaseException | None = None

    def put(self, batch: "Batch") -> None:
        while self.is_alive():
            try:
                self.batches.put(batch, timeout=1)
                return
            except queue.Full:
                continue
        self._raise()

    def finish(self) -> None:
        if self.is_alive():
            self.batches.put(None)
        self.join()
        self._raise()

    def _raise(self) -> None:
        if self.error is not None:
            raise RuntimeError("The dataset's writer failed") from self.error

    def run(self) -> None:
        indexes = search_indexes()
        try:
            with connection.schema_editor() as editor:
                for _model, index in indexes:
                    editor.execute(
                        f"DROP INDEX IF EXISTS {editor.quote_name(index.name)}"
                    )
            while (batch := self.batches.get()) is not None:
                with transaction.atomic(), connection.cursor() as cursor:
                    batch.write(cursor)
                self.bar.update(len(batch.claims))
        except BaseException as error:  # handed to the generator, raised there
            self.error = error
            # Drain the queue so the generator is never left waiting on it.
            while self.batches.get() is not None:
                pass
        finally:
            try:
                with connection.schema_editor() as editor:
                    for model, index in indexes:
                        editor.add_index(model, index)
            finally:
                connection.close()


def search_indexes() -> list:
    """(model, index) of every GIN index the loaded tables declare."""
    return [
        (model, index)
        for model in (Claim, FactCheck, Source, Appearance, Article, Correction)
        for index in model._meta.indexes
        if isinstance(index, GinIndex)
    ]


@dataclasses.dataclass
class Batch:
    claims: list = dataclasses.field(default_factory=list)
    tags: list = dataclasses.field(default_factory=list)
    appearances: list = dataclasses.field(default_factory=list)
    sources: list = dataclasses.field(default_factory=list)
    factchecks: list = dataclasses.field(default_factory=list)
    authors: list = dataclasses.field(default_factory=list)
    corrections: list = dataclasses.field(default_factory=list)

    def write(self, cursor) -> None:
        claim = ("id", "text", "language", "claimant_id", "claimed_on", "priority")
        claim += ("assignee_id", "status", "submitted_context", "submitter_contact")
        claim += ("created_at", "status_changed_at", "version")
        # Appearances and sources before their claims: the database refuses new
        # ones on a published claim (migration 0010), and the foreign keys are
        # checked at commit.
        _copy(
            cursor,
            Appearance,
            ("id", "claim_id", "article_id", "quote", "is_first"),
            self.appearances,
        )
        source = ("id", "claim_id", "url", "title", "publisher", "kind", "excerpt")
        source += ("stance", "added_by_id", "created_at")
        _copy(cursor, Source, source, self.sources)
        _copy(cursor, Claim, claim, self.claims)
        _copy(cursor, Claim.tags.through, ("claim_id", "tag_id"), self.tags)
        factcheck = ("id", "claim_id", "headline", "summary", "body", "rating_id")
        factcheck += ("language", "slug", "approved_by_id", "approved_at")
        factcheck += ("published_at", "retracted_at", "created_at", "updated_at")
        factcheck += ("version",)
        _copy(cursor, FactCheck, factcheck, self.factchecks)
        _copy(
            cursor,
            FactCheck.authors.through,
            ("factcheck_id", "user_id"),
            self.authors,
        )
        correction = ("id", "factcheck_id", "kind", "note", "previous")
        correction += ("created_by_id", "created_at")
        _copy(cursor, Correction, correction, self.corrections)
