"""The API's query parameters: each list's FilterSet, refusing what it cannot
read (an empty value, an impossible time) with a 400 instead of ignoring it.
"""

import datetime

from django import forms
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from rest_framework.filters import OrderingFilter

from factcheck.models import Claim, FactCheck, Status, with_tag


def strict(filter_class):
    """The filter, refusing an empty value: `?rating=` is a mistake, not "any".

    Without this, django-filter ignores the empty parameter and answers as if the
    client had asked for everything, which hides the client's bug.
    """

    class StrictField(filter_class.field_class):
        def clean(self, value):
            if value == "":
                raise forms.ValidationError("Give a value or leave the parameter out.")
            return super().clean(value)

    return type(
        f"Strict{filter_class.__name__}", (filter_class,), {"field_class": StrictField}
    )


class IntegerFilter(filters.NumberFilter):
    field_class = forms.IntegerField


StrictChoice = strict(filters.ChoiceFilter)
StrictInteger = strict(IntegerFilter)


class UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 time, handed to the database in UTC.

    PostgreSQL refuses offsets beyond ±15:59 ("time zone displacement out of
    range"), which Python accepts; in UTC the database never sees them.
    """

    def clean(self, value):
        moment = super().clean(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(datetime.UTC)
        except OverflowError as exc:
            raise forms.ValidationError("This time is out of range.") from exc


class UtcDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


StrictDateTime = strict(UtcDateTimeFilter)
StrictMultipleChoice = strict(filters.MultipleChoiceFilter)


class FactCheckFilter(filters.FilterSet):
    language = StrictChoice(choices=FactCheck._meta.get_field("language").choices)
    rating = StrictInteger(field_name="rating__value")
    claimant = filters.CharFilter(field_name="claim__claimant__slug")
    tag = filters.CharFilter(method="filter_tag")
    published_after = StrictDateTime(field_name="published_at", lookup_expr="gte")
    published_before = StrictDateTime(field_name="published_at", lookup_expr="lt")
    q = filters.CharFilter(method="filter_search", label="Full-text search")

    class Meta:
        model = FactCheck
        fields: list[str] = []

    def filter_tag(self, queryset, name, value):
        return with_tag(queryset, value)

    def filter_search(self, queryset, name, value):
        return queryset.public_search(value.strip()) if value.strip() else queryset


class RankedOrdering(OrderingFilter):
    """The client's `?ordering=` if it asks for one; else a search's ranking, the
    same as the site's; else the view's own order."""

    def get_ordering(self, request, queryset, view):
        ranked = "rank" in queryset.query.annotations
        if ranked and self.ordering_param not in request.query_params:
            return None
        return super().get_ordering(request, queryset, view)


class ClaimFilter(filters.FilterSet):
    status = StrictMultipleChoice(choices=Status.choices)
    language = StrictChoice(choices=Claim._meta.get_field("language").choices)
    assignee = filters.CharFilter(field_name="assignee__username")
    unassigned = StrictChoice(
        choices=[("true", "true"), ("false", "false")], method="filter_unassigned"
    )
    q = filters.CharFilter(method="filter_search", label="Full-text search")

    class Meta:
        model = Claim
        fields: list[str] = []

    def filter_search(self, queryset, name, value):
        return queryset.search(value.strip()) if value.strip() else queryset

    def filter_unassigned(self, queryset, name, value):
        return queryset.filter(assignee__isnull=value == "true")
