"""The API's claim lists the moves its key's user may make: the admin's own list.

Both call services.allowed_transitions(claim, actor); a fact-checker is never shown
"approved" as a move, an editor is shown it.
"""

import pytest
from django.core.cache import cache
from django.urls import reverse

from factcheck import services
from factcheck.models import Status
from tests import factories
from tests.api import (  # noqa: F401 (fixtures)
    editor_api,
    fact_checker_api,
)

pytestmark = pytest.mark.django_db

CLAIMS = "/api/v1/claims/"
S = Status


@pytest.fixture(autouse=True)
def fresh_throttles():
    cache.clear()


MOVES = [
    ("fact_checker", S.SUBMITTED, []),
    ("editor", S.SUBMITTED, [S.ACCEPTED, S.DISMISSED]),
    ("fact_checker", S.ACCEPTED, [S.IN_RESEARCH]),
    ("editor", S.ACCEPTED, [S.IN_RESEARCH, S.DISMISSED]),
    ("fact_checker", S.IN_REVIEW, []),
    ("editor", S.IN_REVIEW, [S.APPROVED, S.IN_RESEARCH]),
    ("fact_checker", S.APPROVED, []),
    ("editor", S.APPROVED, [S.PUBLISHED, S.IN_RESEARCH]),
    ("editor", S.PUBLISHED, [S.RETRACTED]),
    ("editor", S.DISMISSED, []),
]


@pytest.mark.parametrize(("persona", "status", "moves"), MOVES)
def test_it_shows_the_moves_the_keys_user_may_make(
    request, client, persona, status, moves
):
    person = request.getfixturevalue(persona)
    api = request.getfixturevalue(f"{persona}_api")
    claim = factories.claim_at(status)

    detail = api.get(f"{CLAIMS}{claim.pk}/").json()
    listed = api.get(CLAIMS, {"status": status}).json()["results"]

    assert detail["allowed_transitions"] == moves
    assert listed[0]["allowed_transitions"] == moves
    assert "next_statuses" not in detail
    # The admin offers this person exactly the same buttons.
    client.force_login(person)
    page = client.get(reverse("admin:factcheck_claim_change", args=[claim.pk]))
    assert [b["to"] for b in page.context["transition_buttons"]] == moves
    assert moves == services.allowed_transitions(claim, person)


def test_it_answers_a_move_with_the_next_moves(editor_api):  # noqa: F811
    claim = factories.claim(status=Status.SUBMITTED)

    response = editor_api.post(
        f"{CLAIMS}{claim.pk}/transitions/", {"to": "accepted"}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["allowed_transitions"] == [S.IN_RESEARCH, S.DISMISSED]


def test_it_answers_a_new_claim_with_its_moves(fact_checker_api):  # noqa: F811
    response = fact_checker_api.post(
        CLAIMS, {"text": "Turkey left the ICC", "language": "en"}, format="json"
    )

    assert response.status_code == 201, response.json()
    # A new claim waits for an editor to accept it: nothing for a fact-checker yet.
    assert response.json()["allowed_transitions"] == []


def test_it_documents_the_moves_in_the_schema(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()

    claim = schema["components"]["schemas"]["Claim"]
    field = claim["properties"]["allowed_transitions"]
    assert field["readOnly"] is True
    assert field["type"] == "array"
    enum = schema["components"]["schemas"][field["items"]["$ref"].rsplit("/", 1)[1]]
    assert set(enum["enum"]) == set(Status.values)
    assert "allowed_transitions" in claim["required"]
    assert "next_statuses" not in claim["properties"]


def test_it_works_the_moves_out_without_a_query_per_claim(
    editor_api,  # noqa: F811
    django_assert_num_queries,
):
    for status in (S.SUBMITTED, S.IN_RESEARCH, S.IN_REVIEW):
        factories.claim_at(status)
    editor_api.get(CLAIMS)  # warm the key's last-used stamp and content types

    # key, permissions (user and groups), count, page, tags, appearances
    with django_assert_num_queries(7):
        few = editor_api.get(CLAIMS).json()
    for status in list(S) * 3:
        factories.claim_at(status)
    with django_assert_num_queries(7):
        many = editor_api.get(CLAIMS).json()
    claim = factories.claim_at(S.APPROVED)
    with django_assert_num_queries(6):
        detail = editor_api.get(f"{CLAIMS}{claim.pk}/").json()

    assert few["count"] == 3 and len(many["results"]) == 20 < many["count"]
    assert detail["allowed_transitions"] == [S.PUBLISHED, S.IN_RESEARCH]
