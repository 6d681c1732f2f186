"""What every public template knows: the page's language and direction, the site."""

from functools import cache, partial

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse, translate_url
from django.utils.translation import get_language, override

from factcheck.bidi import direction
from factcheck.pages import LanguageLink

# OpenGraph names a locale, not a language.
OPENGRAPH_LOCALES = {"ar": "ar_AR", "en": "en_GB"}


def language_links(request: HttpRequest) -> list[LanguageLink]:
    """This page in each interface language; its home page where there is none."""
    current = get_language()
    path = request.get_full_path()
    links = []
    for code, name in settings.LANGUAGES:
        url = translate_url(path, code)
        if url == path and code != current:
            with override(code):
                url = reverse("home")
        links.append(LanguageLink(code, name, url, code == current))
    return links


def page(request: HttpRequest) -> dict:
    """Defaults a view may override: an Arabic fact-check is rtl in any interface."""
    return {
        **page_constants(get_language()),
        # Called by the template only when it shows the switcher (not in the admin),
        # and worked out once however many times base.html lists the languages.
        "language_links": cache(partial(language_links, request)),
    }


def page_constants(language: str) -> dict:
    """What every page in `language` knows, whichever page it is."""
    return {
        "page_language": language,
        "page_direction": direction(language),
        "opengraph_locale": OPENGRAPH_LOCALES.get(language, language),
        "site_name": settings.NEWSROOM_NAME,
        "site_url": settings.SITE_URL,
    }
