"""Administrators manage accounts: one role, the staff and active flags, names, e-mail
and passwords. Superuser status, individual permissions and any other group are the
operator's alone (a superuser), and no administrator can raise their own access."""

import re

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import ValidationError
from django.urls import reverse

from factcheck.roles import Role
from factcheck.services import NotAllowed, accounts
from tests import factories
from tests.admin_forms import change_form_data

pytestmark = pytest.mark.django_db

ADD = reverse("admin:auth_user_add")
PASSWORD = "correct horse battery staple"
OPERATOR_ONLY = "Only the operator (a superuser)"


@pytest.fixture
def operator(db):
    """The one who runs the desk's server: `createsuperuser`, not a newsroom role."""
    return User.objects.create_superuser("operator", password=PASSWORD)


def change_url(user: User) -> str:
    return reverse("admin:auth_user_change", args=[user.pk])


def password_url(user: User) -> str:
    return reverse("admin:auth_user_password_change", args=[user.pk])


def edit(client, user: User, **overrides):
    """Post the account's change page as served, with some fields changed."""
    data = change_form_data(client.get(change_url(user)), **overrides)
    for name in ("last_login", "date_joined"):
        # Django's own page (the operator's) has a date box and a time box.
        if isinstance(data.get(name), str):
            date, _t, time = data.pop(name).partition("T")
            data |= {f"{name}_0": date, f"{name}_1": time[:8]}
    return client.post(change_url(user), data, follow=True)


def roles_of(user: User) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def page_text(response) -> str:
    return response.content.decode()


def history_of(user: User) -> list[str]:
    entries = LogEntry.objects.filter(object_id=str(user.pk)).order_by("pk")
    return [entry.get_change_message() for entry in entries]


# --- What an administrator may change ----------------------------------------------


def test_it_lets_an_administrator_give_a_person_one_role(
    client, administrator, outsider
):
    client.force_login(administrator)

    response = edit(client, outsider, role=Role.EDITOR, is_staff="on")

    assert response.status_code == 200
    outsider.refresh_from_db()
    assert roles_of(outsider) == {"Editors"}
    assert outsider.is_staff and not outsider.is_superuser
    assert client.get(change_url(outsider)).status_code == 200
    # The history of the account says who changed what, and what it was before.
    entry = LogEntry.objects.filter(object_id=str(outsider.pk)).latest("pk")
    assert entry.user == administrator
    assert "Role: none → Editor" in entry.get_change_message()
    assert "Staff status: no → yes" in entry.get_change_message()


def test_it_replaces_the_previous_role_rather_than_adding_one(
    client, administrator, fact_checker
):
    client.force_login(administrator)

    edit(client, fact_checker, role=Role.EDITOR)

    assert roles_of(fact_checker) == {"Editors"}
    assert "Role: Fact-checker → Editor" in history_of(fact_checker)[-1]


def test_it_takes_a_role_away_and_with_it_the_desk(client, administrator, editor):
    client.force_login(administrator)

    edit(client, editor, role="")

    assert roles_of(editor) == set()
    client.force_login(editor)
    assert client.get(reverse("admin:index")).status_code == 302


def test_it_deactivates_an_account(client, administrator, editor):
    client.force_login(administrator)

    edit(client, editor, is_active=None)  # the box unticked

    editor.refresh_from_db()
    assert not editor.is_active
    assert roles_of(editor) == {"Editors"}


def test_it_lets_an_administrator_edit_names_and_email(client, administrator, editor):
    client.force_login(administrator)

    edit(client, editor, first_name="Laila", email="laila@desk.example")

    editor.refresh_from_db()
    assert (editor.first_name, editor.email) == ("Laila", "laila@desk.example")
    assert roles_of(editor) == {"Editors"}


def test_it_lets_an_administrator_set_a_colleagues_password(
    client, administrator, editor
):
    client.force_login(administrator)

    response = client.post(
        password_url(editor),
        {"password1": "a new long passphrase", "password2": "a new long passphrase"},
    )

    assert response.status_code == 302
    editor.refresh_from_db()
    assert editor.check_password("a new long passphrase")


def test_it_shows_administrators_only_the_fields_they_may_change(
    client, administrator, editor
):
    client.force_login(administrator)

    form = client.get(change_url(editor)).context["adminform"].form

    assert set(form.fields) == {
        "username",
        "password",
        "first_name",
        "last_name",
        "email",
        "role",
        "is_staff",
        "is_active",
    }
    assert form["role"].value() == Role.EDITOR
    assert [value for value, _label in form.fields["role"].choices] == [
        "",
        *Role.values,
    ]


# --- What an administrator may not change ------------------------------------------


@pytest.mark.parametrize("target", ["fact_checker", "administrator"])
def test_it_refuses_superuser_status_posted_by_an_administrator(
    client, request, administrator, target
):
    person = request.getfixturevalue(target)
    client.force_login(administrator)

    response = edit(client, person, is_superuser="on")

    assert OPERATOR_ONLY in page_text(response)
    person.refresh_from_db()
    assert not person.is_superuser


def test_it_refuses_permissions_posted_by_an_administrator(
    client, administrator, fact_checker
):
    publish = Permission.objects.get(codename="publish_factcheck")
    client.force_login(administrator)

    response = edit(client, fact_checker, user_permissions=[publish.pk])

    assert OPERATOR_ONLY in page_text(response)
    assert not fact_checker.user_permissions.exists()
    assert not fact_checker.has_perm("factcheck.publish_factcheck")


def test_it_refuses_a_second_group_posted_by_an_administrator(
    client, administrator, fact_checker
):
    groups = Group.objects.filter(name__in=["Editors", "Administrators"])
    client.force_login(administrator)

    response = edit(client, fact_checker, groups=[g.pk for g in groups])

    assert OPERATOR_ONLY in page_text(response)
    assert roles_of(fact_checker) == {"Fact-checkers"}


def test_it_refuses_superuser_status_in_a_new_account(client, administrator):
    client.force_login(administrator)

    response = client.post(
        ADD,
        {
            "username": "mallory",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "is_superuser": "on",
            "is_staff": "on",
        },
    )

    assert OPERATOR_ONLY in page_text(response)
    assert not User.objects.filter(username="mallory").exists()


def test_it_creates_accounts_without_a_role_or_access(client, administrator):
    client.force_login(administrator)

    response = client.post(
        ADD,
        {
            "username": "newcomer",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    assert response.status_code == 302
    newcomer = User.objects.get(username="newcomer")
    assert not (newcomer.is_staff or newcomer.is_superuser)
    assert roles_of(newcomer) == set()


def test_it_keeps_administrators_off_a_superusers_account(
    client, administrator, operator
):
    client.force_login(administrator)
    before = User.objects.filter(pk=operator.pk).values().get()

    page = client.get(change_url(operator))
    changed = client.post(change_url(operator), {"username": "operator", "role": ""})
    new_password = client.post(
        password_url(operator), {"password1": "taken over!", "password2": "taken over!"}
    )

    # They may see that the account exists, not change it (nor its password).
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert changed.status_code == 403
    assert new_password.status_code == 403
    assert User.objects.filter(pk=operator.pk).values().get() == before


@pytest.mark.parametrize(
    "change", [{"role": Role.EDITOR}, {"role": ""}, {"is_staff": None}]
)
def test_it_refuses_an_administrator_changing_their_own_access(
    client, administrator, change
):
    client.force_login(administrator)

    response = edit(client, administrator, **change)

    assert "ask another administrator" in page_text(response)
    administrator.refresh_from_db()
    assert roles_of(administrator) == {"Administrators"}
    assert administrator.is_staff


@pytest.mark.parametrize("persona", ["editor", "fact_checker"])
def test_it_keeps_newsroom_roles_out_of_accounts(client, request, persona, outsider):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(change_url(outsider)).status_code == 403
    assert client.post(change_url(outsider), {"role": Role.EDITOR}).status_code == 403
    assert roles_of(outsider) == set()


# --- Roles themselves ----------------------------------------------------------------


def test_it_keeps_the_permissions_of_roles_out_of_administrators_reach(
    client, administrator
):
    editors = Group.objects.get(name="Editors")
    fact_checkers = Group.objects.get(name="Fact-checkers")
    before = set(fact_checkers.permissions.all())
    publish = Permission.objects.get(codename="publish_factcheck")
    client.force_login(administrator)
    change = reverse("admin:auth_group_change", args=[fact_checkers.pk])

    posted = client.post(
        change,
        {"name": "Fact-checkers", "permissions": [p.pk for p in before] + [publish.pk]},
    )
    added = client.post(
        reverse("admin:auth_group_add"),
        {"name": "Publishers", "permissions": [publish.pk]},
    )
    removed = client.post(
        reverse("admin:auth_group_delete", args=[editors.pk]), {"post": "yes"}
    )

    assert (posted.status_code, added.status_code, removed.status_code) == (
        403,
        403,
        403,
    )
    assert set(fact_checkers.permissions.all()) == before
    assert not Group.objects.filter(name="Publishers").exists()
    assert Group.objects.filter(pk=editors.pk).exists()
    # There is no page to edit permissions themselves.
    assert client.get("/admin/auth/permission/").status_code == 404


# --- Only the operator makes superusers ---------------------------------------------


def test_it_lets_the_operator_make_a_superuser(client, operator, editor):
    client.force_login(operator)

    edit(client, editor, is_superuser="on")

    editor.refresh_from_db()
    assert editor.is_superuser


# --- The rule, called by any door ----------------------------------------------------


def test_it_refuses_account_changes_by_newsroom_roles(editor, fact_checker):
    with pytest.raises(NotAllowed):
        accounts.set_role(fact_checker, role=Role.EDITOR, actor=editor)

    assert roles_of(fact_checker) == {"Fact-checkers"}


@pytest.mark.parametrize(
    "change",
    [{"is_superuser": True}, {"user_permissions": []}, {"groups": []}],
)
def test_it_refuses_operator_only_fields_to_an_administrator(
    administrator, fact_checker, change
):
    with pytest.raises(NotAllowed, match=re.escape(OPERATOR_ONLY)):
        accounts.update_account(fact_checker, actor=administrator, changes=change)

    fact_checker.refresh_from_db()
    assert not fact_checker.is_superuser


def test_it_refuses_a_role_that_is_not_one(administrator, fact_checker):
    with pytest.raises(ValidationError):
        accounts.set_role(fact_checker, role="Superusers", actor=administrator)

    assert roles_of(fact_checker) == {"Fact-checkers"}


def test_it_refuses_an_administrator_a_superusers_account(administrator, operator):
    with pytest.raises(NotAllowed):
        accounts.set_role(operator, role=None, actor=administrator)
    with pytest.raises(NotAllowed):
        accounts.update_account(
            operator, actor=administrator, changes={"is_active": False}
        )

    operator.refresh_from_db()
    assert operator.is_active and operator.is_superuser


def test_it_lets_the_operator_give_roles(operator, outsider):
    accounts.set_role(outsider, role=Role.FACT_CHECKER, actor=operator)

    assert roles_of(outsider) == {"Fact-checkers"}
    assert "Role: none → Fact-checker" in history_of(outsider)[-1]


def test_it_records_nothing_when_nothing_changes(administrator, editor):
    accounts.set_role(editor, role=Role.EDITOR, actor=administrator)

    assert history_of(editor) == []


def test_it_leaves_groups_that_are_not_roles_alone(administrator, editor):
    # The operator may have put someone in a group of their own making.
    reviewers = Group.objects.create(name="Legal reviewers")
    editor.groups.add(reviewers)

    accounts.set_role(editor, role=Role.FACT_CHECKER, actor=administrator)

    assert roles_of(editor) == {"Fact-checkers", "Legal reviewers"}


# --- Cost ----------------------------------------------------------------------------


def test_it_answers_the_account_pages_in_a_fixed_number_of_queries(
    client, administrator, editor, django_assert_num_queries
):
    accounts_list = reverse("admin:auth_user_changelist")
    client.force_login(administrator)
    # Warm the content types, which a process reads once.
    client.get(accounts_list)
    client.get(change_url(editor))

    with django_assert_num_queries(LIST_QUERIES):
        client.get(accounts_list)
    for n in range(6):
        factories.user(f"reporter{n}", Role.FACT_CHECKER)
    with django_assert_num_queries(LIST_QUERIES):
        assert "reporter5" in page_text(client.get(accounts_list))
    with django_assert_num_queries(CHANGE_PAGE_QUERIES):
        client.get(change_url(editor))


# Session, the administrator and their permissions (user and groups) on every page;
# the list adds the groups filter's choices, its two counts (matching and total)
# and its page; the account page adds the account and its role.
LIST_QUERIES = 8
CHANGE_PAGE_QUERIES = 6
