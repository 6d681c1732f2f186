"""Template helpers of the public pages."""

from django import template
from django.conf import settings
from django.utils.encoding import iri_to_uri
from django.utils.safestring import SafeString

from factcheck.bidi import direction as language_direction
from factcheck.models import Outlet, Rating, byline
from factcheck.rendering import render_markdown

register = template.Library()
register.filter("byline", byline)

WHITE = "#ffffff"
BLACK = "#000000"


@register.filter
def markdown(text: str) -> SafeString:
    return render_markdown(text)


@register.filter
def label(rating: Rating, language: str) -> str:
    return rating.label(language)


@register.filter
def outlet_name(outlet: Outlet, language: str) -> str:
    return outlet.name_in(language)


@register.filter
def definition(rating: Rating, language: str) -> str:
    return rating.definition(language)


@register.filter
def direction(language: str) -> str:
    return language_direction(language)


@register.filter
def absolute(path: str) -> str:
    """A path on this site as the absolute URL the public knows it by (SITE_URL),
    percent-encoded as reverse() encodes it (request.path holds Arabic slugs raw)."""
    return settings.SITE_URL + iri_to_uri(path)


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a #rrggbb colour."""

    def linear(channel: float) -> float:
        if channel <= 0.04045:
            return channel / 12.92
        return ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast_ratio(first: str, second: str) -> float:
    darker, lighter = sorted((relative_luminance(first), relative_luminance(second)))
    return (lighter + 0.05) / (darker + 0.05)


@register.filter
def ink(background: str) -> str:
    """White or black text, whichever reads better on the background.

    One of the two always reaches at least 4.58:1, so a badge passes WCAG AA's
    4.5:1 whatever colour an administrator gives a rating.
    """
    on_white = contrast_ratio(background, WHITE)
    return WHITE if on_white >= contrast_ratio(background, BLACK) else BLACK
