"""People's accounts: the one role each person holds, and who may change it.

Administrators manage accounts, never the editorial workflow. They give a person one
role (or none), the staff and active flags, and edit the username, names and e-mail
(passwords through the admin's password form). Superuser status, individual
permissions and any group that is not a role are the operator's: a superuser, made
with `createsuperuser`. So an administrator can grant no more than the roles hold,
cannot touch a superuser's account, and cannot change their own role or access.

Each change is recorded in the account's history in the admin (Django's LogEntry,
with the values before and after): Event rows belong to a claim.
"""

from typing import Any

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from factcheck.roles import Role
from factcheck.services.errors import NotAllowed

MANAGE_ACCOUNTS = "auth.change_user"
ROLE = "role"
# What an administrator may change besides the role; everything else is the
# operator's (superuser status, permissions, groups) or the system's (dates).
ACCOUNT_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "is_active",
)
ACCESS_FIELDS = (ROLE, "is_staff", "is_active")


def operator_only_message() -> str:
    return _(
        "Only the operator (a superuser) grants superuser status, individual "
        "permissions or groups other than one role. Nothing was saved."
    )


def roles_of(user: AbstractBaseUser) -> list[str]:
    """The roles this person holds, in the order of Role: one, or none."""
    held = set(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
    return [role for role in Role.values if role in held]


def role_of(user: AbstractBaseUser) -> str | None:
    roles = roles_of(user)
    return roles[0] if roles else None


def set_role(
    user: AbstractBaseUser, *, role: str | None, actor: AbstractBaseUser
) -> AbstractBaseUser:
    """Give the person exactly this role (a Role value), or none."""
    return update_account(user, actor=actor, changes={ROLE: role})


def update_account(
    user: AbstractBaseUser, *, actor: AbstractBaseUser, changes: dict[str, Any]
) -> AbstractBaseUser:
    """Change an account's role, flags, username, names or e-mail, or refuse.

    `changes` maps ACCOUNT_FIELDS and "role" to their new values; a field left out
    is left as it is.
    """
    if not actor.has_perm(MANAGE_ACCOUNTS):
        raise NotAllowed(_("Only administrators manage accounts."))
    refused = set(changes) - {*ACCOUNT_FIELDS, ROLE}
    if refused:
        raise NotAllowed(
            _("These fields cannot be written here: %(f)s.")
            % {"f": ", ".join(sorted(refused))}
            if actor.is_superuser
            else operator_only_message()
        )
    if changes.get(ROLE) not in (None, *Role.values):
        raise ValidationError(
            {ROLE: _("“%(role)s” is not a role.") % {"role": changes[ROLE]}}
        )
    with transaction.atomic():
        current = get_user_model().objects.select_for_update().get(pk=user.pk)
        if current.is_superuser and not actor.is_superuser:
            raise NotAllowed(
                _("Only the operator (a superuser) changes a superuser's account.")
            )
        before = {name: getattr(current, name) for name in ACCOUNT_FIELDS}
        before[ROLE] = roles_of(current)
        after = {**before, **changes}
        if ROLE in changes:
            after[ROLE] = [changes[ROLE]] if changes[ROLE] else []
        changed = [
            name for name in (*ACCOUNT_FIELDS, ROLE) if after[name] != before[name]
        ]
        if not changed:
            return user
        raising_self = current.pk == actor.pk and not actor.is_superuser
        if raising_self and set(changed) & set(ACCESS_FIELDS):
            raise NotAllowed(
                _(
                    "You may not change your own role or access; ask another "
                    "administrator."
                )
            )
        fields = [name for name in changed if name != ROLE]
        for name in fields:
            setattr(current, name, after[name])
        others = [f.name for f in current._meta.fields if f.name not in fields]
        current.full_clean(exclude=others, validate_constraints=False)
        current.save(update_fields=fields)
        if ROLE in changed:
            current.groups.remove(*Group.objects.filter(name__in=Role.values))
            current.groups.add(*Group.objects.filter(name__in=after[ROLE]))
        LogEntry.objects.log_actions(
            actor.pk,
            [current],
            CHANGE,
            change_message=_describe(changed, before, after),
            single_object=True,
        )
    user.refresh_from_db()
    return user


def _describe(changed: list[str], before: dict, after: dict) -> str:
    """“Role: Fact-checker → Editor. Staff status: no → yes.”, for the history."""
    model = get_user_model()

    def label(name: str) -> str:
        if name == ROLE:
            return _("Role")
        return capfirst(model._meta.get_field(name).verbose_name)

    def shown(name: str, value) -> str:
        if name == ROLE:
            return ", ".join(str(Role(r).label) for r in value) or _("none")
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        return value or "—"

    return " ".join(
        f"{label(name)}: {shown(name, before[name])} → {shown(name, after[name])}."
        for name in changed
    )
