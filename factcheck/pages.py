"""A fact-check's public page, built in one place.

The parts that change only when the fact-check does (head, article, ClaimReview,
related ids) are rendered by `rendered()`. The services call `render_page()` in
the transaction that publishes, corrects or re-archives a fact-check and
`forget_pages()` when an edit to a claimant, tag, outlet, article or rating
changes what many pages show (see factcheck/models/pages.py). The public site
serves `page_parts()` (the stored row) through `factcheck_page()`, and the desk's
preview renders a draft's parts without storing them, through the same function
and template, so a draft looks exactly as readers will see it. Neither the
services nor the public site nor the admin imports another for this: all import
this module.
"""

import functools
import json
import multiprocessing
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.db import connection, connections, transaction
from django.db.models import (
    BigIntegerField,
    BooleanField,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import JSONObject
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language, override

from factcheck.bidi import direction
from factcheck.claimreview import SCRIPT_UNSAFE, claim_review
from factcheck.models import Claim, FactCheck, PublicPage, Rating
from factcheck.templatetags.factcheck_pages import absolute

RELATED = 4


@dataclass(frozen=True)
class PageParts:
    """What a page's template fills in: escaped already, by the templates."""

    head: SafeString
    article: SafeString
    claim_review: str
    related: list[int]
    # The fact-check's card by interface language (see PublicPage.cards); a page
    # read to be served leaves it out.
    cards: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, page: PublicPage) -> "PageParts":
        return cls(
            head=mark_safe(page.head),  # noqa: S308 - rendered by a template
            article=mark_safe(page.article),  # noqa: S308 - rendered by a template
            claim_review=page.claim_review,
            related=list(page.related),
            cards=page.cards,
        )


def related_ids(factcheck: FactCheck, tags: list) -> list[int]:
    """Published fact-checks sharing a topic or the claimant, newest first."""
    shared = Q(claim__tags__in=tags)
    if factcheck.claim.claimant_id:
        shared |= Q(claim__claimant=factcheck.claim.claimant_id)
    return list(
        FactCheck.objects.published()
        .exclude(pk=factcheck.pk)
        .filter(pk__in=FactCheck.objects.filter(shared).values("pk"))
        .values_list("pk", flat=True)[:RELATED]
    )


def related_ids_of(factchecks: list[FactCheck]) -> dict[int, list[int]]:
    """`related_ids()` of many fact-checks (of `with_page_parts()`) in one query,
    for storing pages in batches.

    A query per page walks the published fact-checks newest first until RELATED
    share a topic or the claimant, which takes longer the more topics there are.
    Here the newest RELATED + 1 of each topic and claimant of the batch are ranked
    once (a page's newest RELATED related are among those of its topics and
    claimant: the one more stands in for the page itself), then each page takes
    its newest RELATED of the few candidates its topics and claimant bring."""
    if not factchecks:
        return {}
    claim_tags = connection.ops.quote_name(Claim.tags.through._meta.db_table)
    published, params = (
        FactCheck.objects.published()
        .order_by()
        .values(
            p_id=F("pk"),
            p_claim=F("claim_id"),
            p_claimant=F("claim__claimant_id"),
            p_at=F("published_at"),
        )
        .query.sql_with_params()
    )
    batch = (
        [f.pk for f in factchecks],
        [f.claim_id for f in factchecks],
        [f.claim.claimant_id for f in factchecks],
    )
    # Ties on published_at break by id, newest first, as the published() order
    # does. Only quoted names and the ORM's own SQL are formatted in; every value
    # is a parameter.
    statement = f"""
        WITH batch AS (
            SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[])
                AS b(id, claim_id, claimant_id)
        ),
        published AS MATERIALIZED ({published}),
        own_tags AS (
            SELECT batch.id, t.tag_id
            FROM batch JOIN {claim_tags} t ON t.claim_id = batch.claim_id
        ),
        by_tag AS (
            SELECT tag_id, p_id, p_at FROM (
                SELECT t.tag_id, p.p_id, p.p_at, row_number() OVER (
                    PARTITION BY t.tag_id ORDER BY p.p_at DESC, p.p_id DESC
                ) AS n
                FROM {claim_tags} t JOIN published p ON p.p_claim = t.claim_id
                WHERE t.tag_id IN (SELECT tag_id FROM own_tags)
            ) ranked
            WHERE n <= %s
        ),
        by_claimant AS (
            SELECT p_claimant, p_id, p_at FROM (
                SELECT p.p_claimant, p.p_id, p.p_at, row_number() OVER (
                    PARTITION BY p.p_claimant ORDER BY p.p_at DESC, p.p_id DESC
                ) AS n
                FROM published p
                WHERE p.p_claimant IN (SELECT claimant_id FROM batch)
            ) ranked
            WHERE n <= %s
        ),
        candidates AS (
            SELECT own_tags.id AS page, c.p_id, c.p_at
            FROM own_tags JOIN by_tag c ON c.tag_id = own_tags.tag_id
            WHERE c.p_id <> own_tags.id
            UNION
            SELECT batch.id, c.p_id, c.p_at
            FROM batch JOIN by_claimant c ON c.p_claimant = batch.claimant_id
            WHERE c.p_id <> batch.id
        )
        SELECT page, p_id FROM (
            SELECT page, p_id, row_number() OVER (
                PARTITION BY page ORDER BY p_at DESC, p_id DESC
            ) AS n
            FROM candidates
        ) ranked
        WHERE n <= %s
        ORDER BY page, n
    """  # noqa: S608
    related = {f.pk: [] for f in factchecks}
    with connection.cursor() as cursor:
        cursor.execute(statement, [*batch, *params, RELATED + 1, RELATED + 1, RELATED])
        for page, pk in cursor.fetchall():
            related[page].append(pk)
    return related


def rendered(
    factcheck: FactCheck,
    *,
    scale_bounds: tuple[int | None, int | None] | None = None,
    related: list[int] | None = None,
) -> PageParts:
    """The parts of a fact-check's page, from a fact-check of `with_page_parts()`.

    In the fact-check's language whoever publishes it: the page exists in that
    language only.
    """
    claim = factcheck.claim
    tags = list(claim.tags.all())
    # A draft without a rating (only the desk's preview shows one) has no verdict
    # to mark up yet.
    compact = ""
    if factcheck.rating_id:
        review = claim_review(factcheck, scale_bounds=scale_bounds)
        compact = json.dumps(review, ensure_ascii=False, separators=(",", ":"))
    context = {
        "factcheck": factcheck,
        "claim": claim,
        "tags": tags,
        "claim_review": mark_safe(compact.translate(SCRIPT_UNSAFE)),  # noqa: S308
        "page_language": factcheck.language,
        "site_url": settings.SITE_URL,
    }
    with override(factcheck.language):
        head = render_to_string("factcheck/_factcheck_head.html", context)
        article = render_to_string("factcheck/_factcheck_article.html", context)
    return PageParts(
        head=mark_safe(head),  # noqa: S308 - rendered by a template
        article=mark_safe(article),  # noqa: S308 - rendered by a template
        claim_review=compact,
        related=related_ids(factcheck, tags) if related is None else related,
        # Only what is published is listed, and it has a verdict; a draft has none.
        cards={code: card(factcheck, code) for code, _name in settings.LANGUAGES}
        if factcheck.rating_id
        else {},
    )


# Where a stored card's heading level goes: h2 in a list, under the page's h1; h3
# in a section (the home page's latest, a page's related fact-checks). A
# private-use character, which escaping leaves alone and no text has.
HEADING = "\ue000heading\ue001"


def card(factcheck: FactCheck, language: str, heading: str = HEADING) -> str:
    """A published fact-check's card (of `published()`) as a page in `language`
    shows it: the verdict's label, "Published" and the date are in that language."""
    with override(language):
        return render_to_string(
            "factcheck/_card.html",
            {
                "factcheck": factcheck,
                "heading": mark_safe(heading),  # noqa: S308 - h2, h3 or the marker
                "page_language": language,
            },
        )


def with_cards(
    factchecks: QuerySet, *fields: str, language: str | None = None
) -> QuerySet:
    """Published fact-checks as lists show them: only their id (and `fields`) and
    their stored card in `language` (the current one by default) as `card`, None
    where the stored page is of another version or has no cards yet. `cards()`
    joins them. A list of 20 reads 20 short strings instead of 20 fact-checks
    with their claims, claimants and ratings, and renders no template."""
    # A subquery rather than a join, so that PostgreSQL reads a card only for the
    # rows a page shows, after ranking and LIMIT, not for each of a search's 500.
    stored = PublicPage.objects.filter(
        factcheck=OuterRef("pk"), version=OuterRef("version")
    ).values(card=KeyTextTransform(language or get_language(), "cards"))
    return (
        factchecks.select_related(None)
        .only("pk", *fields)
        .annotate(card=Subquery(stored))
    )


def cards(
    rows: list[FactCheck], heading: str, *, language: str | None = None
) -> SafeString:
    """The cards of `rows` (of `with_cards()`), in their order, with `heading` as
    their heading level. Rows without a stored card (a page a reference edit has
    just dropped, until the sweeper stores it again) are rendered from the
    database, all of them in one more query."""
    rows = list(rows)
    missing = [row.pk for row in rows if row.card is None]
    rendered = {}
    if missing:
        rendered = {
            factcheck.pk: card(factcheck, language or get_language(), heading)
            for factcheck in without_bodies(FactCheck.objects.published()).filter(
                pk__in=missing
            )
        }
    return mark_safe(  # noqa: S308 - rendered by the card template
        "".join(
            rendered.get(row.pk, "")
            if row.card is None
            else row.card.replace(HEADING, heading)
            for row in rows
        )
    )


def page_parts(factcheck: FactCheck) -> PageParts:
    """A published fact-check's parts: its stored row when that row is of this
    version (the fact-check came with `select_related("public_page")`), else
    rendered now from the database, in seven more queries, and not stored: only
    the services write pages, in the transaction of the change, so a slow reader
    can never store what a correction has just replaced."""
    page = getattr(factcheck, "public_page", None)
    if page is not None and page.version == factcheck.version:
        return PageParts.of(page)
    return rendered(_with_parts(FactCheck.objects.filter(pk=factcheck.pk)).get())


def _with_parts(factchecks: QuerySet) -> QuerySet:
    return factchecks.with_page_parts().defer("search", "headline_search")


def render_page(factcheck_id: int) -> None:
    """Store the page of a fact-check as it now is (call it in the transaction
    that changed it, after the change)."""
    _store(_with_parts(FactCheck.objects.filter(pk=factcheck_id)))


def _store(factchecks: QuerySet) -> int:
    bounds = Rating.objects.scale_bounds()
    factchecks = list(factchecks)
    related = related_ids_of(factchecks)
    pages = []
    for factcheck in factchecks:
        parts = rendered(factcheck, scale_bounds=bounds, related=related[factcheck.pk])
        pages.append(
            PublicPage(
                factcheck=factcheck,
                version=factcheck.version,
                head=str(parts.head),
                article=str(parts.article),
                claim_review=parts.claim_review,
                related=parts.related,
                cards=parts.cards,
                rendered_at=timezone.now(),
            )
        )
    PublicPage.objects.bulk_create(
        pages,
        update_conflicts=True,
        unique_fields=["factcheck"],
        update_fields=[
            "version",
            "head",
            "article",
            "claim_review",
            "related",
            "cards",
            "rendered_at",
        ],
    )
    return len(pages)


def forget_pages(factchecks: QuerySet | None = None) -> int:
    """Drop stored pages an edit has made stale (all of them without `factchecks`);
    their readers get them rendered from the database until they are stored again."""
    pages = PublicPage.objects.all()
    if factchecks is not None:
        pages = pages.filter(factcheck__in=factchecks.values("pk"))
    return pages.delete()[0]


def render_missing_pages(
    *, batch: int = 200, limit: int | None = None, processes: int = 1
) -> int:
    """Store the page of every published fact-check that has none of its version
    (pages older than this table, pages a reference edit dropped). Returns how
    many were rendered. With `processes` > 1 the batches are shared among that
    many forked processes (rendering is mostly Python: one core each), unless a
    transaction is open: other processes could not see what it has not committed."""
    if processes > 1 and not connection.in_atomic_block:
        return _render_in_processes(batch=batch, limit=limit, processes=processes)
    done = 0
    while limit is None or done < limit:
        missing = _missing(batch if limit is None else min(batch, limit - done))
        if not missing:
            return done
        done += _store_batch(missing)
    return done


def _missing(count: int | None) -> list[int]:
    # Pages stored before they carried cards count as missing too.
    missing = (
        FactCheck.objects.published()
        .exclude(Q(public_page__version=F("version")) & ~Q(public_page__cards={}))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return list(missing if count is None else missing[:count])


def _store_batch(pks: list[int]) -> int:
    with transaction.atomic():
        return _store(_with_parts(FactCheck.objects.filter(pk__in=pks)))


def _render_in_processes(*, batch: int, limit: int | None, processes: int) -> int:
    missing = _missing(limit)
    batches = [missing[i : i + batch] for i in range(0, len(missing), batch)]
    # Each forked process opens its own connection: none may inherit this one.
    connections.close_all()
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        return sum(pool.imap_unordered(_store_batch, batches))


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str
    url: str
    is_current: bool


def home_links(
    current_url: str | None = None, translations: dict[str, str] | None = None
) -> list[LanguageLink]:
    """The switcher of a page that exists in its own language (a fact-check, at
    `current_url`, with its published `translations` by language) or nowhere (an
    error page): a language it has no translation in leads home."""
    current = get_language()
    translations = translations or {}
    links = []
    for code, name in settings.LANGUAGES:
        if code == current and current_url:
            links.append(LanguageLink(code, name, current_url, True))
            continue
        if code in translations:
            links.append(LanguageLink(code, name, translations[code], False))
            continue
        with override(code):
            links.append(LanguageLink(code, name, reverse("home"), code == current))
    return links


def without_bodies(factchecks: QuerySet) -> QuerySet:
    """Fact-checks as a list shows them: without the bodies and search vectors,
    the largest columns, which no card displays."""
    return factchecks.defer("body", "search", "headline_search", "claim__search")


def factcheck_page(
    factcheck: FactCheck, parts: PageParts, related: list | None = None
) -> dict:
    """The context of factcheck/factcheck_detail.html: a published fact-check with
    its stored parts on the public site, or a draft with parts rendered for the
    desk's preview, which must look exactly as readers will see it. The related
    cards are read as they are now, so one retracted since drops out (`related`
    when the caller has read them already: see published_page())."""
    if related is None:
        related = (
            list(
                with_cards(
                    FactCheck.objects.published(), language=factcheck.language
                ).filter(pk__in=parts.related)
            )
            if parts.related
            else []
        )
    url = factcheck.get_absolute_url()
    translation = factcheck.published_translation_url()
    translations = {factcheck.translation_language: translation} if translation else {}
    # This page and its translation name each other; alone, it names none.
    alternates = {factcheck.language: url, **translations} if translations else {}
    links = home_links(url, translations)
    return {
        "factcheck": factcheck,
        "page": parts,
        "related": related,
        "related_section": render_to_string(
            "factcheck/_related.html",
            {"cards": cards(related, "h3", language=factcheck.language)},
        )
        if related
        else "",
        "description": Truncator(factcheck.summary).chars(300),
        "canonical_url": settings.SITE_URL + url,
        "page_language": factcheck.language,
        "page_direction": direction(factcheck.language),
        "language_links": links,
        "alternates": alternates,
        **language_parts(links, alternates),
    }


def language_parts(links: list[LanguageLink], alternates: dict[str, str]) -> dict:
    """base.html's language switcher and its `<link rel="alternate">`s, written
    as base.html writes them, for a page filled into a shell (see
    factcheck/public/views.py): `alternates` is {language: path}."""
    return {
        "language_nav": format_html_join(
            "",
            '\n          <li><a href="{}" lang="{}" hreflang="{}"{}>{}</a></li>',
            (
                (link.url, link.code, link.code, _current(link), link.name)
                for link in links
            ),
        ),
        "alternate_links": format_html_join(
            "",
            '\n  <link rel="alternate" hreflang="{}" href="{}">',
            ((code, absolute(path)) for code, path in alternates.items()),
        ),
    }


def _current(link: LanguageLink) -> SafeString:
    return mark_safe(' aria-current="true"' if link.is_current else "")  # noqa: S308


def published_page(slug: str) -> tuple[FactCheck, PageParts, list | None] | None:
    """A published fact-check by its slug, with its stored parts and the related
    fact-checks' cards as they are now (a retracted one drops out), or None: one
    query of only what its page shows (the body, the claim and the rest are in
    the parts). The fact-check carries its translation's slug and language when
    the translation is published (as with_published_translation() gives them).

    A fact-check whose stored row is not of its version is rendered from the
    database, as page_parts() does, and its related cards are left to
    factcheck_page() (None)."""
    statement = _page_statement(get_language())
    params = list(statement.params)
    params[statement.slug_at] = slug
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, params)
        found = cursor.fetchone()
    if found is None:
        return None
    row = dict(zip(statement.columns, found, strict=True))
    factcheck = FactCheck(
        pk=row["pk"],
        slug=row["slug"],
        language=row["language"],
        headline=row["headline"],
        summary=row["summary"],
        version=row["version"],
        translation_id=row["translation_id"],
    )
    published_now = [
        SimpleNamespace(**(json.loads(item) if isinstance(item, str) else item))
        for item in row["published_now"] or ()
    ]
    translation = next(
        (f for f in published_now if f.pk == factcheck.translation_id), None
    )
    # As with_published_translation() gives them: only a published translation.
    factcheck.translation_slug = translation.slug if translation else None
    factcheck.translation_language = translation.language if translation else None
    if row["public_page__version"] != row["version"]:
        parts = rendered(_with_parts(FactCheck.objects.filter(pk=row["pk"])).get())
        return factcheck, parts, None
    parts = PageParts(
        head=mark_safe(row["public_page__head"]),  # noqa: S308 - rendered by a template
        article=mark_safe(row["public_page__article"]),  # noqa: S308 - likewise
        claim_review=row["public_page__claim_review"],
        related=list(row["public_page__related"]),
    )
    related = [f for f in published_now if f.pk in parts.related]
    return factcheck, parts, related


@dataclass(frozen=True)
class _Statement:
    sql: str
    params: tuple
    slug_at: int
    columns: tuple[str, ...]


class _InArray(Func):
    """`value = ANY(array)`: whether an array column holds the value."""

    template = "%(expressions)s)"
    arg_joiner = " = ANY("
    output_field = BooleanField()


# Stands for the slug in the statement compiled once (see _page_statement).
_SLUG = "\ue000slug\ue001"


@functools.cache
def _page_statement(language: str) -> _Statement:
    """published_page()'s query, built and compiled by the ORM once per process
    and language (that of the cards): building and compiling it again on every
    request was most of an uncached page's time, and only the slug changes. The
    rules are the QuerySets' own (published(), with_cards()), as the ORM writes
    them."""
    # The related fact-checks and the translation that are published now, in one
    # subquery: one more would cost more to plan than to run.
    wanted = Func(
        OuterRef("public_page__related"),
        OuterRef("translation_id"),
        function="array_append",
        output_field=ArrayField(BigIntegerField()),
    )
    published = (
        with_cards(FactCheck.objects.published(), "slug", "language", language=language)
        .filter(_InArray(F("pk"), wanted))
        .values(row=JSONObject(pk="pk", slug="slug", language="language", card="card"))
    )
    queryset = (
        FactCheck.objects.published()
        .filter(slug=_SLUG)
        .order_by()
        .annotate(published_now=ArraySubquery(published))
        .values_list(*PAGE_FIELDS, "published_now")[:1]
    )
    sql, params = queryset.query.sql_with_params()
    return _Statement(sql, params, params.index(_SLUG), (*PAGE_FIELDS, "published_now"))


PAGE_FIELDS = (
    "pk",
    "slug",
    "language",
    "headline",
    "summary",
    "version",
    "translation_id",
    "public_page__version",
    "public_page__head",
    "public_page__article",
    "public_page__claim_review",
    "public_page__related",
)
