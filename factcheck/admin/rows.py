"""The queue's rows: Django's changelist cells, the same markup, with what is
the same on every row worked out once a page.

Django's items_for_result looks each column up again in every row (the model's
fields, the admin's methods, the empty value, the cell's classes) and builds
each cell through format_html: at fifty rows of nine columns that was a third of
the queue's time, more than the columns' own values. Here each column is looked
up once and a cell is its value, escaped, between two fixed strings. A page this
does not cover (editable rows, a popup) is left to Django.
"""

import datetime
from collections.abc import Callable, Iterator

from django.contrib.admin.templatetags.admin_list import (
    ResultList,
    _coerce_field_name,
    results,
)
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import (
    FieldIsAForeignKeyColumnName,
    _get_non_gfk_field,
    display_for_field,
    display_for_value,
    lookup_field,
)
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeData

Cell = Callable[[models.Model], str]


def rows(cl) -> Iterator[ResultList]:
    """What django.contrib.admin's results(cl) yields for this changelist."""
    if cl.formset or cl.is_popup or cl.to_field or not cl.list_display_links:
        yield from results(cl)
        return
    cells = [_cell(cl, name, index) for index, name in enumerate(cl.list_display)]
    for result in cl.result_list:
        yield ResultList(None, [cell(result) for cell in cells])


def _cell(cl, name, index: int) -> Cell:
    value_of, field, attr = _column(cl, name)
    empty = cl.model_admin.get_empty_value_display()
    own_empty = getattr(attr, "empty_value_display", empty)
    boolean = getattr(attr, "boolean", False)
    if isinstance(attr, property) and hasattr(attr, "fget"):
        boolean = getattr(attr.fget, "boolean", False)
    classes = _classes(name, index, field)
    link = name in cl.list_display_links
    tag = "th" if link and name == _first_link(cl) else "td"
    head = format_html('<{} class="{}">', tag, classes)
    tail = format_html("</{}>", tag)
    address = _addresses(cl) if link else None

    def represent(result) -> tuple[object, str]:
        """The cell's content and its classes, as items_for_result makes them."""
        try:
            value = value_of(result)
        except ObjectDoesNotExist:
            return empty, classes
        if isinstance(value, str) and value.strip() == "":
            value = ""
        if field is None or field.auto_created:
            if isinstance(value, SafeData) and value and not boolean:
                return value, classes  # a column's own markup: display_for_value's
            shown = display_for_value(value, own_empty, boolean)
            if isinstance(value, datetime.date | datetime.time):
                return shown, classes + " nowrap"  # a column's own date
            return shown, classes
        if isinstance(field.remote_field, models.ManyToOneRel):
            related = getattr(result, field.name)
            return (own_empty if related is None else related), classes
        return display_for_field(value, field, own_empty, avoid_link=link), classes

    def cell(result) -> str:
        shown, its_classes = represent(result)
        if link:
            shown = _linked(address, result, shown)
        if its_classes is not classes:
            return format_html('<{} class="{}">{}</{}>', tag, its_classes, shown, tag)
        return head + conditional_escape(shown) + tail

    return cell


def _addresses(cl) -> Callable[[models.Model], str]:
    """A row's link, as items_for_result makes it: the changelist's filters, kept
    for the way back, are the same query on every row's address."""

    def kept(url: str) -> str:
        return add_preserved_filters(
            {"preserved_filters": cl.preserved_filters, "opts": cl.opts}, url
        )

    try:
        sample = cl.url_for_result(cl.result_list[0]) if cl.result_list else None
    except NoReverseMatch:
        sample = None
    if sample is not None:
        query = kept(sample).removeprefix(sample)
        if kept(sample) == sample + query:
            return lambda result: cl.url_for_result(result) + query
    return lambda result: kept(cl.url_for_result(result))


def _linked(address, result, shown) -> str:
    try:
        url = address(result)
    except NoReverseMatch:
        return shown
    return format_html('<a href="{}">{}</a>', url, shown)


def _column(cl, name):
    """(value of a row, model field or None, the admin's attribute or None), as
    lookup_field finds them, for a column whose kind is the same on every row."""
    opts = cl.model._meta
    try:
        field = _get_non_gfk_field(opts, name)
    except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
        pass
    else:
        return (lambda result: getattr(result, name)), field, None
    if callable(name):
        return name, None, name
    if hasattr(cl.model_admin, name) and name != "__str__":
        method = getattr(cl.model_admin, name)
        return method, None, method
    return _looked_up(cl, name)


def _looked_up(cl, name):
    """A model attribute or property: Django's lookup, row by row."""

    def value_of(result):
        return lookup_field(name, result, cl.model_admin)[2]

    attr = getattr(cl.model, name, None) if isinstance(name, str) else None
    return value_of, None, attr


def _classes(name, index: int, field) -> str:
    if name == "action_checkbox" and field is None:
        return "action-checkbox"
    classes = [f"field-{_coerce_field_name(name, index)}"]
    if isinstance(field, models.DateField | models.TimeField | models.ForeignKey):
        classes.append("nowrap")
    return " ".join(classes)


def _first_link(cl):
    return next(name for name in cl.list_display if name in cl.list_display_links)
