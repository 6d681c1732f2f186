"""RSS and Atom feeds of the latest published fact-checks, all or one language.

Links are absolute from SITE_URL, not from the Host header of whoever asked, so a
feed fetched through a proxy or on a staging host still points at the public site.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed, FeedDoesNotExist
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, format_html
from django.utils.translation import gettext as _

from factcheck.models import FactCheck
from factcheck.pagecache import cached_public

ITEMS = 50


@dataclass(frozen=True)
class Scope:
    """What one feed URL covers: a language, or every language when None."""

    language: str | None
    path: str


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


class LatestRss(Feed):
    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # One fixed language per URL, whatever the reader's browser asks for: the
        # feed's title and links do not change with Accept-Language, so one cached
        # copy serves everyone.
        language = kwargs.get("lang") or settings.LANGUAGE_CODE
        with translation.override(language):
            return cached_public(super().__call__)(request, *args, **kwargs)

    def get_object(self, request: HttpRequest, lang: str | None = None) -> Scope:
        if lang is not None and lang not in dict(settings.LANGUAGES):
            raise FeedDoesNotExist(lang)
        return Scope(language=lang, path=request.path)

    def items(self, scope: Scope):
        published = FactCheck.objects.published()
        if scope.language:
            published = published.filter(language=scope.language)
        return published.order_by("-published_at", "-pk")[:ITEMS]

    def title(self, scope: Scope) -> str:
        if scope.language:
            return _("%(newsroom)s: latest fact-checks in %(language)s") % {
                "newsroom": settings.NEWSROOM_NAME,
                "language": translation.get_language_info(scope.language)["name_local"],
            }
        return _("%(newsroom)s: latest fact-checks") % {
            "newsroom": settings.NEWSROOM_NAME
        }

    def description(self, scope: Scope) -> str:
        return _(
            "The latest claims checked by %(newsroom)s, with the verdict and a "
            "summary of the evidence."
        ) % {"newsroom": settings.NEWSROOM_NAME}

    subtitle = description

    def link(self, scope: Scope) -> str:
        return absolute(reverse("home"))

    def feed_url(self, scope: Scope) -> str:
        return absolute(scope.path)

    def author_name(self) -> str:
        return settings.NEWSROOM_NAME

    def author_link(self) -> str:
        return absolute("/")

    def item_title(self, factcheck: FactCheck) -> str:
        # RSS readers commonly treat <title> as HTML, so a headline is escaped once
        # here and once more by the XML writer (Django's default, ticket #6533).
        return escape(factcheck.headline)

    def item_description(self, factcheck: FactCheck) -> str:
        # The description is HTML for every reader: the verdict, then the summary.
        return format_html(
            "<p><strong>{}</strong></p><p>{}</p>",
            factcheck.rating.label(factcheck.language),
            factcheck.summary,
        )

    def item_link(self, factcheck: FactCheck) -> str:
        return absolute(factcheck.get_absolute_url())

    def item_pubdate(self, factcheck: FactCheck) -> datetime.datetime:
        return factcheck.published_at

    def item_updateddate(self, factcheck: FactCheck) -> datetime.datetime:
        return factcheck.updated_at

    def item_categories(self, factcheck: FactCheck) -> tuple[str, ...]:
        return (factcheck.rating.label(factcheck.language),)


class LatestAtom(LatestRss):
    feed_type = Atom1Feed

    def item_title(self, factcheck: FactCheck) -> str:
        # Atom declares its <title> plain text; escaping it again would show "&amp;".
        return factcheck.headline
