"""Search and filters of the fact-check list, offered only over what is published.

A django-filter FilterSet, like the API's (factcheck/api/filters.py). The choices
themselves are public information: a claimant or a topic is offered only when it
has a published fact-check, so a draft's claimant never shows up in a drop-down
either.
"""

from dataclasses import dataclass

import django_filters
from django import forms
from django.db.models import QuerySet
from django.forms.utils import flatatt
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ChoiceField, ChoiceIterator

from factcheck import pagecache
from factcheck.models import (
    Claimant,
    Language,
    Rating,
    Tag,
    having_published_factchecks,
    with_tag,
)

# Raised whenever Offered changes: a deploy that changes it must not read what the
# previous release kept.
OFFERED_VERSION = 3


@dataclass(frozen=True)
class Offered:
    """What the list offers to filter by: the verdicts, and the claimants and
    topics with something published, as (slug, label) escaped once here rather
    than on every page. Slugs are SlugFields (letters, digits, - and _), which
    escaping leaves as they are, so a submitted value compares with them as is."""

    ratings: list[tuple[str, str, str]]
    claimants: list[tuple[str, str]]
    tags: list[tuple[str, str, str]]


def offered(request: HttpRequest) -> Offered:
    """Worked out once per generation of the public cache (pagecache.kept: the
    second layer its docstring names): every change that could alter it (a
    publication, a retraction, a re-tagged claim, a renamed claimant or tag, a
    rating edited) purges it. At newsroom scale finding who has something
    published is most of the cost of an uncached search page."""
    return pagecache.kept(request, f"offered:{OFFERED_VERSION}", _offered)


def filter_grid(request: HttpRequest, form: forms.Form) -> SafeString:
    """The verdict, language, claimant, topic and date fields of the list's form.

    As most searches show them (nothing chosen, nothing wrong: only words in the
    search box) they are the same for every reader until the next publication,
    so they are rendered once then (pagecache.kept, keyed by the language too):
    Django's rendering of these fields, with 2,000 claimants' and 200 topics'
    options, was more than half of a search page's time at newsroom scale. A
    form with a filter chosen or refused is rendered as it is."""

    def render() -> SafeString:
        return render_to_string("factcheck/_filter_grid.html", {"filters": form})

    if form.is_narrowed:
        return render()
    return pagecache.kept(request, f"grid:{OFFERED_VERSION}:{get_language()}", render)


def _offered() -> Offered:
    claimants = having_published_factchecks(Claimant.objects.all(), "claim__claimant")
    tags = having_published_factchecks(Tag.objects.all(), "claim__tags")
    return Offered(
        ratings=_escaped(Rating.objects.values_list("slug", "label_en", "label_ar")),
        claimants=_escaped(claimants.values_list("slug", "name")),
        tags=_escaped(tags.values_list("slug", "name_en", "name_ar")),
    )


def _escaped(rows) -> list[tuple[str, ...]]:
    return [tuple(str(escape(value)) for value in row) for row in rows]


class EscapedSelect(forms.Select):
    """Django's Select, written in one pass from options escaped in advance.

    The claimant filter offers every claimant with a published fact-check, 2,000
    at default scale: Django's own rendering, a template per option, took 330 ms
    for that one drop-down (measured on the bench machine), more than the rest of
    a search page many times over. Only the options' markup is ours; the field,
    its choices and its validation are Django's and django-filter's.
    """

    def render(self, name, value, attrs=None, renderer=None):
        chosen = escape(value) if value else ""
        options = "".join(
            f'<option value="{slug}"{" selected" if slug == chosen else ""}>'
            f"{label}</option>"
            for slug, label in self.choices
        )
        attrs = flatatt(self.build_attrs(self.attrs, {**(attrs or {}), "name": name}))
        return mark_safe(f"<select{attrs}>{options}</select>")  # noqa: S308 (escaped)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class FiltersForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)

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


class OfferedChoices(ChoiceIterator):
    """The empty option, then the options as they are: django-filter normalises
    every option on each pass over them (validating, rendering), which for
    pairs of strings changes nothing and cost more than the rest of the form."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.choices


class OfferedChoiceField(ChoiceField):
    """django-filter's ChoiceField, sharing its choices with its copies.

    Every form deep-copies its fields, and a ChoiceField its choices: 2,000
    claimants' options copied twice a request (the FilterSet's form and its
    instance) were most of a search page's time. The options are tuples of
    strings, which nothing changes, so each copy can read the same ones.
    """

    iterator = OfferedChoices

    def __deepcopy__(self, memo):
        result = forms.Field.__deepcopy__(self, memo)
        result._choices = self._choices
        return result


class OfferedChoiceFilter(django_filters.ChoiceFilter):
    field_class = OfferedChoiceField


def _choice(label, empty_label, **kwargs) -> django_filters.ChoiceFilter:
    return OfferedChoiceFilter(
        label=label, empty_label=empty_label, widget=EscapedSelect, **kwargs
    )


class FactCheckFilters(django_filters.FilterSet):
    """The list's search and filters; invalid fields are ignored (the form shows
    their errors) rather than emptying the list."""

    rating = _choice(_("Verdict"), _("Any verdict"), field_name="rating__slug")
    language = _choice(_("Language"), _("Any language"), field_name="language")
    claimant = _choice(
        _("Who made the claim"), _("Anyone"), field_name="claim__claimant__slug"
    )
    tag = _choice(_("Topic"), _("Any topic"), method="filter_tag")
    published_from = django_filters.DateFilter(
        label=_("Published from"),
        field_name="published_at",
        lookup_expr="date__gte",
        widget=DateInput(),
    )
    published_to = django_filters.DateFilter(
        label=_("Published until"),
        field_name="published_at",
        lookup_expr="date__lte",
        widget=DateInput(),
    )
    # Last: the others narrow what the search then ranks.
    q = django_filters.CharFilter(
        label=_("Search"), max_length=200, method="filter_search"
    )

    class Meta:
        form = FiltersForm

    def __init__(self, data, queryset: QuerySet, *, offered: Offered, language: str):
        super().__init__(data or None, queryset)
        arabic = language == Language.ARABIC
        choices = {
            "rating": [
                (slug, label_ar if arabic else label_en)
                for slug, label_en, label_ar in offered.ratings
            ],
            "language": [(code, escape(label)) for code, label in Language.choices],
            "claimant": offered.claimants,
            # A topic named in one language only is offered by that name in both.
            "tag": [
                (slug, (name_ar or name_en) if arabic else (name_en or name_ar))
                for slug, name_en, name_ar in offered.tags
            ],
        }
        for name, options in choices.items():
            self.filters[name].extra["choices"] = options
            # The empty option's label is the only one not escaped in advance.
            self.filters[name].extra["empty_label"] = escape(
                self.filters[name].extra["empty_label"]
            )

    @property
    def words(self) -> str:
        """The reader's search words, "" when there are none (or they were refused)."""
        if not self.is_bound:
            return ""
        self.form.is_valid()  # fills cleaned_data with the valid fields, as qs does
        return self.form.cleaned_data.get("q", "").strip()

    @property
    def searching(self) -> bool:
        """Whether the list is ranked by the reader's words (see filter_search)."""
        return bool(self.words)

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.public_search(value.strip()) if value.strip() else queryset

    def filter_tag(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return with_tag(queryset, value)
