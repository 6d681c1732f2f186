"""The newsroom's roles, and the one gate every door checks first.

A role is a Django group with exact permissions, created by the data migrations
(0003_roles.py, 0006_background_roles.py); a person holds one role or none. Superuser
status is the operator's (`createsuperuser`), not a role.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from factcheck.models import APPROVE, PUBLISH, RESEARCH, RETRACT, TRIAGE


class Role(models.TextChoices):
    """Each value is the name of the role's group."""

    FACT_CHECKER = "Fact-checkers", gettext_lazy("Fact-checker")
    EDITOR = "Editors", gettext_lazy("Editor")
    ADMINISTRATOR = "Administrators", gettext_lazy("Administrator")


def desk_refusal(user: AbstractBaseUser | AnonymousUser | None) -> str | None:
    """Why this account may not work at the desk, or None if it may.

    The admin site and the API's keys both ask this, so an account kept out of one
    is kept out of the other: it must be active, staff, and hold a role (the
    operator's superuser holds every permission). The staff flag alone is not a
    role: an account made staff by mistake sees nothing. The permissions are read
    once per request and cached on the user, so the admin pays no extra query.
    """
    if user is None or not user.is_authenticated:
        return _("Sign in first.")
    if not user.is_active:
        return _("This account is deactivated.")
    if not user.is_staff:
        return _(
            "This account is not a staff account; an administrator can make it one."
        )
    if not (user.is_superuser or user.get_all_permissions()):
        return _("This account has no newsroom role; an administrator can give it one.")
    return None


def may_work_at_desk(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    return desk_refusal(user) is None


# The role that takes each step of the workflow: the least senior role holding
# the step's permission as the roles migration grants it (a test holds the two
# together). The claim page says "waiting for an editor" from it.
STEP_ROLES = {
    TRIAGE: Role.EDITOR,
    RESEARCH: Role.FACT_CHECKER,
    APPROVE: Role.EDITOR,
    PUBLISH: Role.EDITOR,
    RETRACT: Role.EDITOR,
}


def assignable_people() -> models.QuerySet:
    """Everyone a claim can be given to: the accounts that may research, as
    services.assign() asks (it checks again, under the lock)."""
    app, codename = RESEARCH.split(".")
    may_research = (
        Q(
            groups__permissions__codename=codename,
            groups__permissions__content_type__app_label=app,
        )
        | Q(
            user_permissions__codename=codename,
            user_permissions__content_type__app_label=app,
        )
        | Q(is_superuser=True)
    )
    people = get_user_model().objects.filter(
        may_research, is_active=True, is_staff=True
    )
    return people.distinct().order_by("first_name", "last_name", "username")
