"""Administrators issue and revoke API keys in the admin; nobody else may."""

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from factcheck import services
from factcheck.models import ApiToken
from tests import factories

pytestmark = pytest.mark.django_db

ADD = reverse("admin:factcheck_apitoken_add")
LIST = reverse("admin:factcheck_apitoken_changelist")


def test_it_shows_a_new_key_once_and_stores_only_its_hash(
    client, administrator, editor
):
    client.force_login(administrator)

    response = client.post(
        ADD, {"user": editor.pk, "name": "CMS importer"}, follow=True
    )

    message = next(str(m) for m in response.context["messages"])
    key = re.search(r"<code>([^<]+)</code>", message).group(1)
    token = ApiToken.objects.get()
    assert token.user == editor and token.name == "CMS importer"
    assert token.key_hash == services.hash_token_key(key) != key
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/claims/").status_code == 200


def test_it_revokes_keys_from_the_list(client, administrator, editor):
    token, key = services.issue_token(editor, actor=administrator, name="old CMS")
    client.force_login(administrator)

    client.post(LIST, {"action": "revoke", "_selected_action": [token.pk]})

    token.refresh_from_db()
    assert token.revoked_at is not None
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/claims/").status_code == 401


@pytest.mark.parametrize("persona", ["editor", "fact_checker"])
def test_it_keeps_newsroom_roles_out_of_key_management(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(LIST).status_code == 403
    assert client.post(ADD, {"user": 1, "name": "x"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_it_refuses_an_administrator_a_key_for_the_operators_account(administrator):
    operator = factories.user("operator", is_staff=True, is_superuser=True)

    with pytest.raises(services.NotAllowed, match="superuser"):
        services.issue_token(operator, actor=administrator, name="escalation")

    assert not ApiToken.objects.filter(user=operator).exists()
    _token, key = services.issue_token(operator, actor=operator, name="own key")
    assert key
