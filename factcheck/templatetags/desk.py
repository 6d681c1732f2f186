"""Tags for the desk's admin pages."""

from django import template

from factcheck.admin.mywork import WorkList
from factcheck.admin.mywork import my_work as lists_for

register = template.Library()


@register.simple_tag(takes_context=True)
def my_work(context) -> list[WorkList]:
    return lists_for(context["request"].user)
