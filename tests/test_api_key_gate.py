"""A key acts only for an active staff account holding a role: the admin's own gate.

An account that cannot enter the admin (not staff, deactivated, or in no role)
cannot use the newsroom API with a key either, whatever the key.
"""

import pytest
from django.core.cache import cache
from django.urls import reverse

from factcheck.models import Claim, Event, Status
from tests import factories
from tests.api import client_with_key, key_for

pytestmark = pytest.mark.django_db

CLAIMS = "/api/v1/claims/"


@pytest.fixture(autouse=True)
def fresh_throttles():
    cache.clear()


@pytest.fixture
def editor_not_staff(db):
    return factories.user("nadia", "Editors", is_staff=False)


@pytest.fixture
def inactive_editor(db):
    return factories.user("sami", "Editors", is_active=False)


REFUSED = [
    ("editor_not_staff", 403, "not a staff account"),
    ("inactive_editor", 403, "deactivated"),
    ("staff_without_role", 403, "no newsroom role"),
]


@pytest.mark.parametrize(("persona", "status", "says"), REFUSED)
def test_it_refuses_the_queue_to_a_key_whose_account_may_not_enter_the_admin(
    request, administrator, persona, status, says
):
    api = client_with_key(key_for(request.getfixturevalue(persona), administrator))
    factories.claim()

    response = api.get(CLAIMS)

    assert response.status_code == status
    assert says in response.json()["detail"]
    assert response.json()["code"] == "permission_denied"


@pytest.mark.parametrize(("persona", "status", "says"), REFUSED)
def test_it_refuses_a_move_to_a_key_whose_account_may_not_enter_the_admin(
    request, administrator, persona, status, says
):
    api = client_with_key(key_for(request.getfixturevalue(persona), administrator))
    claim = factories.claim(status=Status.SUBMITTED)

    response = api.post(
        f"{CLAIMS}{claim.pk}/transitions/", {"to": "accepted"}, format="json"
    )

    assert response.status_code == status
    assert says in response.json()["detail"]
    assert Claim.objects.get(pk=claim.pk).status == Status.SUBMITTED
    assert not Event.objects.filter(claim=claim, kind="transition").exists()


@pytest.mark.parametrize("persona", [p for p, _s, _m in REFUSED])
def test_it_keeps_the_same_accounts_out_of_the_admin(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("admin:factcheck_claim_changelist"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_it_lets_the_key_of_an_active_staff_editor_act(editor, administrator):
    api = client_with_key(key_for(editor, administrator))
    claim = factories.claim(status=Status.SUBMITTED)

    assert api.get(CLAIMS).status_code == 200
    response = api.post(
        f"{CLAIMS}{claim.pk}/transitions/", {"to": "accepted"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert Claim.objects.get(pk=claim.pk).status == Status.ACCEPTED


def test_it_refuses_the_key_as_soon_as_the_staff_flag_is_taken_away(
    editor, administrator
):
    api = client_with_key(key_for(editor, administrator))
    assert api.get(CLAIMS).status_code == 200

    editor.is_staff = False
    editor.save(update_fields=["is_staff"])

    assert api.get(CLAIMS).status_code == 403


def test_it_refuses_an_administrators_key_the_queue(administrator):
    # Administrators pass the gate (staff, in a role) but their role holds no
    # claim: the API answers as the admin's queue does.
    api = client_with_key(key_for(administrator, administrator))

    response = api.get(CLAIMS)

    assert response.status_code == 403
    assert response.json()["detail"]
