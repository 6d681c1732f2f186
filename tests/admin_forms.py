"""Build the POST an admin change page would send, from the page as served."""

import datetime


def _encode(value):
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


def _add_form(data: dict, form) -> None:
    for name in form.fields:
        value = form[name].value()
        if value is False:
            continue  # an unchecked checkbox sends nothing
        if value is True:
            value = "on"
        data[form.add_prefix(name)] = _encode(value)


def change_form_data(response, **overrides) -> dict:
    """The fields of the page's main form and inlines, as loaded, plus overrides."""
    data: dict = {}
    _add_form(data, response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        _add_form(data, formset.management_form)
        for form in formset.forms:
            _add_form(data, form)
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
