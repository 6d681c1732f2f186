"""People's accounts and the roles: what administrators may change, and nothing more.

An administrator's account page offers one role, the staff and active flags, the
username, names and e-mail (and the password form); saving calls
`services.accounts.update_account`, which holds the rule. Superusers (the operator)
keep Django's full page. The roles' own permissions are written by migrations: only
the operator may touch a group here.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from factcheck.admin.common import RefusalsAsMessages, listed
from factcheck.roles import Role
from factcheck.services import accounts

# What Django's own account page would post; the administrator's page has none.
OPERATOR_FIELDS = ("is_superuser", "groups", "user_permissions")


class RefusesOperatorFields:
    """A crafted request carrying superuser status, permissions or groups is
    refused whole, saying why, rather than saved without them."""

    def clean(self):
        cleaned = super().clean()
        if any(name in self.data for name in OPERATOR_FIELDS):
            raise ValidationError(
                accounts.operator_only_message(), code="operator_only"
            )
        return cleaned


class AccountForm(RefusesOperatorFields, UserChangeForm):
    role = forms.TypedChoiceField(
        label=_("Role"),
        choices=[("", _("No role")), *Role.choices],
        required=False,
        empty_value=None,
        help_text=_(
            "What this person may do at the desk; each person holds one role. "
            "With no role (or without staff status) they cannot sign in here "
            "nor use an API key."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].initial = accounts.role_of(self.instance)


class AccountCreationForm(RefusesOperatorFields, AdminUserCreationForm):
    pass


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class AccountAdmin(RefusalsAsMessages, auth_admin.UserAdmin):
    add_form = AccountCreationForm
    administrator_fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Role and access"), {"fields": ("role", "is_staff", "is_active")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )

    def get_fieldsets(self, request, obj=None):
        if obj is None or request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return self.administrator_fieldsets

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None and not request.user.is_superuser:
            kwargs["form"] = AccountForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ("last_login", "date_joined")

    def has_change_permission(self, request, obj=None):
        # The page of a superuser, and its password form, are the operator's.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("Role"))
    def role(self, user: User) -> str:
        """Shown on a page the visitor may only read (a superuser's account)."""
        labels = [Role(role).label for role in accounts.roles_of(user)]
        return listed(labels) or _("No role")

    def save_model(self, request, obj, form, change):
        if not change or request.user.is_superuser:
            super().save_model(request, obj, form, change)
            return
        accounts.update_account(
            obj,
            actor=request.user,
            changes={name: form.cleaned_data[name] for name in form.changed_data},
        )
        # The service wrote the history entry, with the values before the change.
        request.account_change_recorded = True

    def log_change(self, request, obj, message):
        if getattr(request, "account_change_recorded", False):
            return None
        return super().log_change(request, obj, message)


@admin.register(Group)
class RoleAdmin(auth_admin.GroupAdmin):
    """The roles are written by data migrations; a person's role is set on their
    account. Only the operator may change a group here."""

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
