"""Search and filters of the fact-check list, offered only over what is published.

The choices themselves are public information: a claimant or a topic is offered
only when it has a published fact-check, so a draft's claimant never shows up in
a drop-down either.
"""

import functools
import html
from dataclasses import dataclass

from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from factcheck.models import (
    Claimant,
    Language,
    Rating,
    Tag,
    having_published_factchecks,
    with_tag,
)
from factcheck.public.cache import PAGE_SECONDS

# Raised whenever Offered changes (see offered()).
OFFERED_CACHE_VERSION = 2


@dataclass(frozen=True)
class Offered:
    """What the list offers to filter by: the verdicts, and the claimants and
    topics with something published. Options are (slug, label), escaped once
    here rather than on every page."""

    ratings: list[tuple[str, str, str]]
    claimants: list[tuple[str, str]]
    tags: list[tuple[str, str, str]]


def offered(generation: str) -> Offered:
    """Worked out once per generation of the public cache: every change that could
    alter it (a publication, a retraction, a re-tagged claim, a renamed claimant or
    tag, a rating edited) purges it. At newsroom scale finding who has something
    published is most of the cost of a list or search page. `generation` is the
    request's (public/cache.py's generation_of).
    """
    # Offered's version is in the key: a deploy that changes Offered must not read
    # what the previous release cached.
    return _offered(f"public:offered:{OFFERED_CACHE_VERSION}:{generation}")


# Each process also keeps the last one it read: the key names the generation, so
# it cannot go stale, and reading thousands of options from the shared cache on
# every page cost more than rendering them.
@functools.lru_cache(maxsize=2)
def _offered(key: str) -> Offered:
    # In the shared cache: worked out once for every process, not once in each.
    choices = cache.get(key)
    if choices is None:
        claimants = having_published_factchecks(
            Claimant.objects.all(), "claim__claimant"
        )
        tags = having_published_factchecks(Tag.objects.all(), "claim__tags")
        choices = Offered(
            ratings=list(Rating.objects.values_list("slug", "label_en", "label_ar")),
            claimants=_escaped(claimants.values_list("slug", "name")),
            tags=[
                (str(escape(slug)), str(escape(name_en)), str(escape(name_ar)))
                for slug, name_en, name_ar in tags.values_list(
                    "slug", "name_en", "name_ar"
                )
            ],
        )
        cache.set(key, choices, PAGE_SECONDS)
    return choices


def _escaped(rows) -> list[tuple[str, str]]:
    # Plain str, escaped: QuickSelect marks the whole drop-down safe at once.
    return [(str(escape(slug)), str(escape(name))) for slug, name in rows]


class QuickSelect(forms.Widget):
    """A drop-down written in Python from options escaped in advance.

    The claimant filter offers every claimant with a published fact-check, which
    at newsroom scale is thousands: Django's Select, with a template per option
    and its choices normalised on every form, made rendering it most of a search
    page's time (about 270 ms of 350 at 2,000 claimants).
    """

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.options: list[tuple[str, str]] = []

    def render(self, name, value, attrs=None, renderer=None):
        chosen = escape(value) if value else ""
        options = "".join(
            f'<option value="{slug}"{" selected" if slug == chosen else ""}>'
            f"{label}</option>"
            for slug, label in self.options
        )
        attrs = flatatt(self.build_attrs(self.attrs, {**(attrs or {}), "name": name}))
        return mark_safe(f"<select{attrs}>{options}</select>")  # noqa: S308 (escaped)


class OfferedChoiceField(forms.CharField):
    """One of the options its QuickSelect offers, checked against a set."""

    widget = QuickSelect
    default_error_messages = forms.ChoiceField.default_error_messages

    def offer(self, empty_label: str, options: list[tuple[str, str]]) -> None:
        self.widget.options = [("", escape(empty_label)), *options]
        self.valid = {html.unescape(slug) for slug, _label in options}

    def validate(self, value):
        super().validate(value)
        if value and value not in self.valid:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class FactCheckFilters(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    rating = OfferedChoiceField(label=_("Verdict"), required=False)
    language = OfferedChoiceField(label=_("Language"), required=False)
    claimant = OfferedChoiceField(label=_("Who made the claim"), required=False)
    tag = OfferedChoiceField(label=_("Topic"), required=False)
    published_from = forms.DateField(
        label=_("Published from"), required=False, widget=DateInput()
    )
    published_to = forms.DateField(
        label=_("Published until"), required=False, widget=DateInput()
    )

    def __init__(self, data, *, language: str, generation: str):
        super().__init__(data, label_suffix="")
        choices = offered(generation)
        arabic = language == Language.ARABIC
        ratings = [
            (escape(slug), escape(label_ar if arabic else label_en))
            for slug, label_en, label_ar in choices.ratings
        ]
        languages = [(code, escape(label)) for code, label in Language.choices]
        self.fields["rating"].offer(_("Any verdict"), ratings)
        self.fields["language"].offer(_("Any language"), languages)
        self.fields["claimant"].offer(_("Anyone"), choices.claimants)
        # A topic named in one language only is offered by that name in both.
        topics = [
            (slug, (name_ar or name_en) if arabic else (name_en or name_ar))
            for slug, name_en, name_ar in choices.tags
        ]
        self.fields["tag"].offer(_("Any topic"), topics)

    @property
    def searching(self) -> bool:
        """Whether the list is ranked by the reader's words (see filter())."""
        if not self.is_bound:
            return False
        self.is_valid()  # fills cleaned_data with the valid fields, as filter() does
        return bool(self.cleaned_data.get("q", "").strip())

    @property
    def is_filtering(self) -> bool:
        """Whether the reader asked for anything, so the page offers to clear it."""
        return self.is_bound and (bool(self.errors) or any(self.cleaned_data.values()))

    @property
    def is_narrowed(self) -> bool:
        """Whether a filter beyond the search words is set (or wrong), so the page
        shows the filters open."""
        if not self.is_bound:
            return False
        return bool(self.errors) or any(
            value for name, value in self.cleaned_data.items() if name != "q"
        )

    def filter(self, factchecks: QuerySet) -> QuerySet:
        """The fact-checks matching every valid field; invalid fields are ignored
        (the form shows their errors) rather than emptying the list."""
        if not self.is_bound:
            return factchecks
        self.is_valid()
        data = self.cleaned_data
        lookups = {
            "rating__slug": data.get("rating"),
            "language": data.get("language"),
            "claim__claimant__slug": data.get("claimant"),
            "published_at__date__gte": data.get("published_from"),
            "published_at__date__lte": data.get("published_to"),
        }
        factchecks = factchecks.filter(**{k: v for k, v in lookups.items() if v})
        if data.get("tag"):
            factchecks = with_tag(factchecks, data["tag"])
        text = data.get("q", "").strip()
        return factchecks.public_search(text) if text else factchecks
