"""API clients for the personas: anonymous, and each role with its own API key."""

import pytest
from rest_framework.test import APIClient

from factcheck import services


def key_for(user, administrator) -> str:
    _token, key = services.issue_token(user, actor=administrator, name="tests")
    return key


def client_with_key(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@pytest.fixture
def anonymous():
    return APIClient()


@pytest.fixture
def editor_api(editor, administrator):
    return client_with_key(key_for(editor, administrator))


@pytest.fixture
def second_editor_api(second_editor, administrator):
    return client_with_key(key_for(second_editor, administrator))


@pytest.fixture
def fact_checker_api(fact_checker, administrator):
    return client_with_key(key_for(fact_checker, administrator))


@pytest.fixture
def outsider_api(outsider, administrator):
    return client_with_key(key_for(outsider, administrator))


@pytest.fixture
def revoked_api(editor, administrator):
    token, key = services.issue_token(editor, actor=administrator, name="old")
    services.revoke_token(token, actor=administrator)
    return client_with_key(key)
