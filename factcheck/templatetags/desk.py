"""Tags for the desk's admin pages."""

from django import template
from django.contrib.admin.templatetags.admin_list import (
    result_headers,
    result_hidden_fields,
)
from django.contrib.admin.templatetags.base import InclusionAdminNode

from factcheck.admin.mywork import WorkList
from factcheck.admin.mywork import my_work as lists_for
from factcheck.admin.rows import rows

register = template.Library()


@register.simple_tag(takes_context=True)
def my_work(context) -> list[WorkList]:
    return lists_for(context["request"].user)


def queue_result_list(cl) -> dict:
    """Django's result_list (admin_list.py), its rows made by factcheck.admin.rows."""
    headers = list(result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": list(result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": list(rows(cl)),
    }


@register.tag(name="queue_result_list")
def queue_result_list_tag(parser, token):
    return InclusionAdminNode(
        parser,
        token,
        func=queue_result_list,
        template_name="change_list_results.html",
        takes_context=False,
    )
