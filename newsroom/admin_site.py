from functools import partial

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from factcheck.roles import may_work_at_desk


class SelectionChecked:
    """An action runs only on a selection of real ids.

    Django's `response_action` hands the posted `_selected_action` values
    straight to `filter(pk__in=…)`, so "abc" ended in a 500. A selection that
    is not a list of ids is refused with a message and changes nothing.
    """

    def response_action(self, request, queryset):
        pk = self.model._meta.pk
        for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
            try:
                pk.to_python(value)
            except ValidationError:
                self.message_user(
                    request,
                    _(
                        "The selection was not understood: it names something that "
                        "is not a row of this list. Nothing was changed."
                    ),
                    messages.ERROR,
                )
                return None  # the changelist again, with the message
        return super().response_action(request, queryset)


class NewsroomAdminSite(admin.AdminSite):
    site_header = gettext_lazy("Fact-check desk")
    site_title = gettext_lazy("Fact-check desk")
    index_title = gettext_lazy("Claim queue and newsroom data")
    # The queue needs the width more than a second copy of the index beside it:
    # at 1366 px the sidebar left the claim column about 100 px.
    enable_nav_sidebar = False

    def each_context(self, request):
        """Django's AdminSite.each_context (5.2), but the list of every app and
        model, which only the sidebar shows, and the sidebar is off, is built when
        something reads it, not on every page: a few milliseconds of permission
        checks and address lookups, a twentieth of the queue's time."""
        script_name = request.META["SCRIPT_NAME"]
        site_url = (
            script_name if self.site_url == "/" and script_name else self.site_url
        )
        return {
            "site_title": self.site_title,
            "site_header": self.site_header,
            "site_url": site_url,
            "has_permission": self.has_permission(request),
            "available_apps": SimpleLazyObject(partial(self.get_app_list, request)),
            "is_popup": False,
            "is_nav_sidebar_enabled": self.enable_nav_sidebar,
            "log_entries": self.get_log_entries(request),
        }

    def register(self, model_or_iterable, admin_class=None, **options):
        """Every page registered here, Django's own included, checks a selection
        before an action runs on it: one rule for every list with actions."""
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, SelectionChecked):
            admin_class = type(
                admin_class.__name__,
                (SelectionChecked, admin_class),
                {"__module__": admin_class.__module__},
            )
        super().register(model_or_iterable, admin_class, **options)

    def has_permission(self, request) -> bool:
        """Only active staff who hold a newsroom role (or superusers) may enter:
        the same gate as the API's keys."""
        return may_work_at_desk(request.user)
