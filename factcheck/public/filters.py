"""Search and filters of the fact-check list, offered only over what is published.

The choices themselves are public information: a claimant or a topic is offered
only when it has a published fact-check, so a draft's claimant never shows up in
a drop-down either.
"""

from django import forms
from django.contrib.postgres.search import SearchRank
from django.core.cache import cache
from django.db.models import F, QuerySet
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from factcheck.models import (
    Claimant,
    FactCheck,
    Language,
    Rating,
    Tag,
    having_published_factchecks,
    search_query,
)
from factcheck.public.cache import PAGE_SECONDS, generation


def offered_choices() -> tuple[list, list, list]:
    """The verdicts, and the claimants and topics with something published, as
    (slug, label…) rows.

    Worked out once per generation of the public cache: every change that could
    alter them (a publication, a retraction, a re-tagged claim, a renamed claimant
    or tag, a rating edited) purges it. At newsroom scale finding who has
    something published is most of the cost of a list or search page.
    """
    key = f"public:choices:{generation()}"
    # In the shared cache: worked out once for every process, not once in each.
    choices = cache.get(key)
    if choices is None:
        choices = (
            list(Rating.objects.values_list("slug", "label_en", "label_ar")),
            list(
                having_published_factchecks(
                    Claimant.objects.all(), "claim__claimant"
                ).values_list("slug", "name")
            ),
            list(
                having_published_factchecks(
                    Tag.objects.all(), "claim__tags"
                ).values_list("slug", "name")
            ),
        )
        cache.set(key, choices, PAGE_SECONDS)
    return choices


class QuickSelect(forms.Select):
    """A drop-down written in Python, not through one template per option.

    The claimant filter offers every claimant with a published fact-check, which
    at newsroom scale is thousands: Django's option templates made rendering it
    most of a search page's time (about 270 ms of 350 at 2,000 claimants).
    """

    def render(self, name, value, attrs=None, renderer=None):
        chosen = "" if value is None else str(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (choice, SELECTED if str(choice) == chosen else "", label)
                for choice, label in self.choices
            ),
        )
        attrs = flatatt(self.build_attrs(self.attrs, {**(attrs or {}), "name": name}))
        return format_html("<select{}>{}</select>", attrs, options)


SELECTED = mark_safe(" selected")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class FactCheckFilters(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    rating = forms.ChoiceField(label=_("Verdict"), required=False, widget=QuickSelect)
    language = forms.ChoiceField(
        label=_("Language"), required=False, widget=QuickSelect
    )
    claimant = forms.ChoiceField(
        label=_("Who made the claim"), required=False, widget=QuickSelect
    )
    tag = forms.ChoiceField(label=_("Topic"), required=False, widget=QuickSelect)
    published_from = forms.DateField(
        label=_("Published from"), required=False, widget=DateInput()
    )
    published_to = forms.DateField(
        label=_("Published until"), required=False, widget=DateInput()
    )

    def __init__(self, data, *, language: str):
        super().__init__(data, label_suffix="")
        ratings, claimants, tags = offered_choices()
        self.fields["rating"].choices = [("", _("Any verdict"))] + [
            (slug, label_ar if language == Language.ARABIC else label_en)
            for slug, label_en, label_ar in ratings
        ]
        self.fields["language"].choices = [("", _("Any language")), *Language.choices]
        self.fields["claimant"].choices = [("", _("Anyone")), *claimants]
        self.fields["tag"].choices = [("", _("Any topic")), *tags]

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
            "claim__tags__slug": data.get("tag"),
            "published_at__date__gte": data.get("published_from"),
            "published_at__date__lte": data.get("published_to"),
        }
        factchecks = factchecks.filter(**{k: v for k, v in lookups.items() if v})
        text = data.get("q", "").strip()
        if not text:
            return factchecks
        # The fact-check's own words, or the claim as it was made. Each side is
        # found through its own GIN index and the two sets of ids are united; an
        # OR across the join would test every published row's vectors instead.
        query = search_query(text)
        matching = (
            FactCheck.objects.filter(search=query)
            .order_by()
            .values("pk")
            .union(
                FactCheck.objects.filter(claim__search=query).order_by().values("pk")
            )
        )
        return (
            factchecks.filter(pk__in=matching)
            .annotate(
                rank=SearchRank(F("search"), query)
                + SearchRank(F("claim__search"), query)
            )
            .order_by("-rank", "-published_at", "-pk")
        )
