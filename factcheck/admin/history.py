"""The audit trail as the admin shows it: on a claim's page, and on the History
page of anything else a person writes (reference data, API keys, deliveries)."""

import json

from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.utils.html import format_html
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext_lazy as _

from factcheck.admin.common import listed, person_name
from factcheck.models import Claim, Event, EventKind, FactCheck

PREVIOUS_CHARS = 300


def field_label(model, name: str) -> str:
    """A field as the page names it, in the reader's language; a name the model
    no longer has stays as it was recorded."""
    for candidate in (model, FactCheck):
        try:
            return str(candidate._meta.get_field(name).verbose_name)
        except (AttributeError, FieldDoesNotExist):
            continue
    return name


def describe(event: Event) -> str:
    """What a write touched, which fields, and what they said before."""
    data = event.data or {}
    if event.kind == EventKind.ASSIGN:
        return assignment(data)
    thing = ""
    model = Claim
    if event.subject_type_id is not None:
        model = ContentType.objects.get_for_id(event.subject_type_id).model_class()
        kind = capfirst(model._meta.verbose_name) if model else ""
        thing = format_html("{} “{}”", kind, event.subject_name)
    fields = data.get("fields") or data.get("factcheck") or []
    changed = (
        format_html(
            " · {} {}", _("changed:"), listed(field_label(model, f) for f in fields)
        )
        if fields
        else ""
    )
    previous = data.get("previous")
    before = ""
    if previous:
        text = json.dumps(previous, ensure_ascii=False, sort_keys=True)
        before = format_html(
            ' · {} <span dir="auto">{}</span>',
            _("before:"),
            Truncator(text).chars(PREVIOUS_CHARS),
        )
    return format_html("{}{}{}", thing, changed, before) or "—"


def assignment(data: dict) -> str:
    """“Assigned to Fatima (was Omar)”: the people named as they are now."""
    ids = [pk for pk in (data.get("to"), data.get("from")) if pk is not None]
    people = {p.pk: p for p in get_user_model().objects.filter(pk__in=ids)}

    def name(pk) -> str:
        if pk is None:
            return ""
        return person_name(people[pk]) if pk in people else "—"

    to, before = name(data.get("to")), name(data.get("from"))
    if not to:
        text = _("Unassigned (was %(before)s)") % {"before": before}
    elif before:
        text = _("Assigned to %(to)s (was %(before)s)") % {"to": to, "before": before}
    else:
        text = _("Assigned to %(to)s") % {"to": to}
    return format_html('<span class="assignment">{}</span>', text)


class EventHistory:
    """The History page lists the thing's Events (who, what, when, the values
    replaced) above Django's own log, whichever door wrote them: the admin, the
    API or a command."""

    object_history_template = "admin/factcheck/object_history.html"

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        events = []
        if obj is not None:
            events = [
                (event, describe(event))
                for event in Event.objects.about(obj).select_related("actor")
            ]
        context = {**(extra_context or {}), "events": events}
        return super().history_view(request, object_id, context)
