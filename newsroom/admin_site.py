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

    def get_app_list(self, request, app_label=None):
        """Django's list of apps and models, built when first read: every admin
        page's context asks for it for the nav sidebar, which is off here, and
        building it (a permission check and address lookups per model) was a
        twentieth of the queue's time. The index and app pages read it."""
        return SimpleLazyObject(partial(super().get_app_list, request, app_label))

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
