"""The reader's pages.

Every read goes through `FactCheck.objects.published()` (or `for_page()`, which
builds on it) and `Correction.objects.public()`: a draft, a claim under review, an
approved fact-check waiting for its publication time or a retracted one cannot
reach a page by any other path. Each page runs a fixed number of queries however
many fact-checks, sources, appearances or corrections there are; the tests pin them.
"""

import functools
import re
from dataclasses import dataclass
from types import SimpleNamespace

from django.core.paginator import Page, Paginator
from django.core.signals import setting_changed
from django.db.models import Count, QuerySet, Window
from django.db.models.functions import Now
from django.dispatch import receiver
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
)
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from factcheck.models import (
    SEARCH_LIMIT,
    WORDS,
    Claimant,
    Correction,
    CorrectionKind,
    FactCheck,
    Rating,
    Status,
    Tag,
    with_words,
)
from factcheck.pagecache import cached_public
from factcheck.pages import (
    cards,
    factcheck_page,
    home_links,
    language_parts,
    published_page,
    with_cards,
)
from factcheck.public import context
from factcheck.public.filters import (
    FactCheckFilters,
    FiltersForm,
    Offered,
    filter_grid,
    offered,
)

LATEST = 10
PER_PAGE = 20
MAX_OFFSET = 2**31


def paginate(request: HttpRequest, queryset: QuerySet) -> Page:
    """The requested page (the page's whole response is what is cached)."""
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


def search_results(request: HttpRequest, filters: FactCheckFilters) -> Page:
    """A page of search results, its total read from the same query.

    A search ranks at most SEARCH_LIMIT fact-checks (the newest that match), so
    the count comes with the page (COUNT(*) OVER ()) and stops there too: a page
    that reaches it says so (`page.search_limit`) rather than counting on. A
    search of words alone runs a statement compiled once (words_only_search).
    """
    try:
        number = max(int(request.GET.get("page") or 1), 1)
    except ValueError:
        number = 1
    start = (number - 1) * PER_PAGE
    if start > MAX_OFFSET:  # no search has that many results; nor may OFFSET
        return paginate(request, with_cards(filters.qs))
    if filters.form.is_narrowed:
        rows = list(counted(with_cards(filters.qs))[start : start + PER_PAGE])
    else:
        sql, params = words_only_search(get_language(), SEARCH_LIMIT)
        params = (*with_words(params, filters.words), PER_PAGE, start)
        rows = list(FactCheck.objects.raw(sql, params))
    if not rows and number > 1:
        # past the end: the last page, as lists do
        return paginate(request, with_cards(filters.qs))
    paginator = Paginator((), PER_PAGE)
    paginator.count = rows[0].total if rows else 0
    page = Page(rows, number, paginator)
    if paginator.count >= SEARCH_LIMIT:
        page.search_limit = SEARCH_LIMIT
    return page


def counted(ranked: QuerySet) -> QuerySet:
    return ranked.annotate(total=Window(Count("pk")))


@functools.cache
def words_only_search(language: str, limit: int) -> tuple[str, tuple]:
    """The statement of a search made of words alone (the search box every page
    has), built by the FilterSet and QuerySets every search goes through, once
    per process and language: building and compiling it took more of a search's
    time than running it. The reader's words stand in as WORDS, the page's
    LIMIT and OFFSET are the last two parameters. `limit` is the SEARCH_LIMIT
    it is built with (tests lower it)."""
    with override(language):
        filters = FactCheckFilters(
            {"q": WORDS},
            FactCheck.objects.published(),
            offered=Offered(ratings=[], claimants=[], tags=[]),
            language=language,
        )
        sql, params = counted(with_cards(filters.qs)).query.sql_with_params()
    return f"{sql} LIMIT %s OFFSET %s", params


@require_safe
@cached_public
def home(request: HttpRequest) -> HttpResponse:
    latest = with_cards(FactCheck.objects.published())[:LATEST]
    return render(request, "factcheck/home.html", {"cards": cards(latest, "h3")})


@require_safe
@cached_public
def factcheck_list(request: HttpRequest) -> HttpResponse:
    filters = FactCheckFilters(
        request.GET,
        FactCheck.objects.published(),
        offered=offered(request),
        language=get_language(),
    )
    if filters.searching:
        page = search_results(request, filters)
    else:
        page = paginate(request, with_cards(filters.qs))
    content = render_to_string(
        "factcheck/_list_content.html",
        {
            "filters": filters.form,
            "filter_grid": filter_grid(request, filters.form),
            "page": page,
            "cards": cards(page, "h2"),
        },
        request,
    )
    links = context.language_links(request)
    return HttpResponse(
        list_shell(get_language()).fill(
            {
                "title": list_title(filters.form),
                "content": content,
                **language_parts(links, {link.code: link.url for link in links}),
            }
        )
    )


def list_title(form: FiltersForm) -> str:
    """The list's <title>: what the reader searched for, or all fact-checks."""
    query = form.cleaned_data.get("q") if form.is_filtering else ""
    if query:
        # As {% blocktranslate %} writes it: the reader's words escaped.
        return mark_safe(_("Search: %(query)s") % {"query": escape(query)})  # noqa: S308
    return escape(_("All fact-checks"))


@require_safe
@cached_public
def factcheck_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The page stored when the fact-check was published or last corrected
    (factcheck/pages.py), with the related fact-checks as they now are: one
    query, and the page template filled in without rendering it (see
    detail_shell)."""
    found = published_page(slug)
    if found is None:
        return retracted_or_404(request, slug)
    factcheck, parts, related = found
    if factcheck.language != get_language():
        # One page per fact-check, under its own language, wherever a link came from.
        return HttpResponsePermanentRedirect(factcheck.get_absolute_url())
    values = detail_values(factcheck_page(factcheck, parts, related))
    return HttpResponse(detail_shell(factcheck.language).fill(values))


@dataclass(frozen=True)
class Shell:
    """A page's template rendered with a marker for each thing that differs from
    one page to the next, cut at the markers."""

    parts: tuple[str, ...]  # text, name, text, name, ..., text

    def fill(self, values: dict[str, str]) -> str:
        """The page with each marker replaced by its value, HTML as it is."""
        parts = list(self.parts)
        parts[1::2] = [values[name] for name in self.parts[1::2]]
        return "".join(parts)


def shell(template: str, language: str, markers: tuple[str, ...], **fixed) -> Shell:
    """`template` rendered in `language` with a marker for each of `markers`.

    Rendering base.html (its header, navigation and footer, some 30 URLs and
    translations) was most of an uncached page's time; it is the same for every
    page of a template and language but for the marked variables, and templates
    cannot change while the process runs."""
    with override(language):
        html = render_to_string(
            template,
            {
                **{name: _marker(name) for name in markers},
                # What the context processor gives that is the same for every
                # page in this language (the footer lists the languages: only
                # their codes and names).
                **context.page_constants(language),
                "language_links": home_links(),
                **fixed,
            },
        )
    return Shell(tuple(MARKER.split(html)))


def _marker(name: str) -> SafeString:
    # Private-use characters: escaping leaves them alone, and no text has them.
    return mark_safe(f"\ue000{name}\ue001")  # noqa: S308 - a marker, replaced


@functools.cache
def detail_shell(language: str) -> Shell:
    """The fact-check page's template, once per language in each process. The
    desk's preview renders the same template as it stands, and tests compare
    the two."""
    return shell(
        "factcheck/factcheck_detail.html",
        language,
        DETAIL_MARKERS,
        factcheck=SimpleNamespace(headline=_marker("headline")),
        page=SimpleNamespace(head=_marker("head"), article=_marker("article")),
    )


DETAIL_MARKERS = (
    "description",
    "canonical_url",
    "alternate_links",
    "language_nav",
    "related_section",
)


def detail_values(context: dict) -> dict[str, str]:
    """What fills detail_shell for one fact-check, from factcheck_page()."""
    return {
        "headline": escape(context["factcheck"].headline),
        "description": escape(context["description"]),
        "canonical_url": escape(context["canonical_url"]),
        "alternate_links": context["alternate_links"],
        "language_nav": context["language_nav"],
        "head": context["page"].head,
        "article": context["page"].article,
        "related_section": context["related_section"],
    }


@functools.cache
def list_shell(language: str) -> Shell:
    """The list's template, once per language in each process: every list and
    search is its content (_list_content.html) and title filled into it."""
    with override(language):
        path = reverse("factcheck_list")
    return shell(
        "factcheck/factcheck_list.html",
        language,
        ("title", "content", "alternate_links", "language_nav"),
        # base.html's canonical address: the list's, whatever was asked of it.
        request=SimpleNamespace(path=path),
    )


MARKER = re.compile("\ue000(\\w+)\ue001")


@receiver(setting_changed)
def _forget_shells(**kwargs) -> None:
    # A shell holds the site's address and name as they were: a test that
    # changes a setting gets shells rendered under it.
    detail_shell.cache_clear()
    list_shell.cache_clear()


def retracted_or_404(request: HttpRequest, slug: str) -> HttpResponse:
    """A retracted fact-check's address answers 404, saying it was retracted and why.

    Nothing of the retracted verdict, summary or body is shown: the public note is
    what the newsroom chose to publish about it, and the corrections log lists it.
    """
    retraction = (
        Correction.objects.public()
        .select_related("factcheck__claim__claimant")
        .filter(
            kind=CorrectionKind.RETRACTION,
            factcheck__slug=slug,
            factcheck__claim__status=Status.RETRACTED,
        )
        .first()
    )
    if retraction is None:
        raise Http404
    return render(
        request,
        "factcheck/retracted.html",
        {"retraction": retraction, "language_links": home_links()},
        status=404,
    )


@require_safe
@cached_public
def claimant_detail(request: HttpRequest, slug: str) -> HttpResponse:
    claimant = get_object_or_404(Claimant, slug=slug)
    page = paginate(
        request,
        with_cards(FactCheck.objects.published()).filter(claim__claimant=claimant),
    )
    if not page.paginator.count:
        # Someone whose only claims are in the queue is not public yet.
        raise Http404
    return render(
        request,
        "factcheck/claimant_detail.html",
        {"claimant": claimant, "page": page, "cards": cards(page, "h3")},
    )


@require_safe
@cached_public
def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tag = get_object_or_404(Tag, slug=slug)
    # Fact-checks in every language: a topic is one record for both.
    page = paginate(
        request, with_cards(FactCheck.objects.published()).filter(claim__tags=tag)
    )
    if not page.paginator.count:
        raise Http404
    return render(
        request,
        "factcheck/tag_detail.html",
        {"tag": tag, "page": page, "cards": cards(page, "h2")},
    )


@require_safe
@cached_public
def methodology(request: HttpRequest) -> HttpResponse:
    return render(
        request, "factcheck/methodology.html", {"ratings": Rating.objects.all()}
    )


@require_safe
@cached_public
def corrections(request: HttpRequest) -> HttpResponse:
    # A fact-check scheduled for later is not public yet, nor are notes on it.
    notes = Correction.objects.public().filter(factcheck__published_at__lte=Now())
    return render(
        request, "factcheck/corrections.html", {"page": paginate(request, notes)}
    )


@require_safe
@cached_public
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "factcheck/about.html")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 404 page, with a language switcher that leads home rather than
    back to the address that was not found."""
    return render(request, "404.html", {"language_links": home_links()}, status=404)


@require_safe
@cached_public
def rating_styles(request: HttpRequest) -> HttpResponse:
    """The verdict badges' colours, from the rating scale administrators edit.

    A stylesheet rather than a style attribute on each badge, so the public pages
    need no inline styles. (The Content-Security-Policy does allow them today:
    style-src has 'unsafe-inline' in newsroom/settings.py, for the style attributes
    Django's admin sets.) Each badge's text is white or near-black, whichever
    contrasts more with its colour: at least 4.5:1 whatever colour is chosen.
    """
    return render(
        request,
        "factcheck/ratings.css",
        {"ratings": Rating.objects.all()},
        content_type="text/css; charset=utf-8",
    )
