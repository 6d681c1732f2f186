"""The newsroom API: the same rules as the admin, for each role and key."""

import json
import re

import pytest
from django.core.cache import cache

from factcheck import services
from factcheck.models import ApiToken, Claim, Event, FactCheck, Language, Status
from tests import factories
from tests.api import (  # noqa: F401 (fixtures)
    anonymous,
    editor_api,
    fact_checker_api,
    outsider_api,
    revoked_api,
    second_editor_api,
)

pytestmark = pytest.mark.django_db

CLAIMS = "/api/v1/claims/"


@pytest.fixture(autouse=True)
def fresh_throttles():
    cache.clear()


def transition(client, claim, to, note="", **extra):
    return client.post(
        f"{CLAIMS}{claim.pk}/transitions/",
        {"to": to, "note": note, **extra},
        format="json",
    )


# --- Who may enter ---------------------------------------------------------------


def test_it_asks_anonymous_clients_for_a_key(anonymous):  # noqa: F811
    response = anonymous.get(CLAIMS)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_it_refuses_a_revoked_key(revoked_api):  # noqa: F811
    response = revoked_api.get(CLAIMS)

    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid or revoked API key."


def test_it_refuses_a_key_that_was_never_issued(anonymous):  # noqa: F811
    anonymous.credentials(HTTP_AUTHORIZATION="Bearer not-a-real-key")

    assert anonymous.get(CLAIMS).status_code == 401


def test_it_refuses_an_account_without_a_newsroom_role(outsider_api):  # noqa: F811
    assert outsider_api.get(CLAIMS).status_code == 403


def test_it_stores_only_a_hash_of_the_key(editor, administrator):
    token, key = services.issue_token(editor, actor=administrator, name="CMS")

    stored = ApiToken.objects.get(pk=token.pk)
    assert key not in (stored.key_hash, stored.prefix, stored.name)
    assert stored.prefix == key[:8]
    assert len(stored.key_hash) == 64


def test_it_lets_only_administrators_issue_and_revoke_keys(editor, administrator):
    with pytest.raises(services.NotAllowed):
        services.issue_token(editor, actor=editor, name="mine")
    token, _key = services.issue_token(editor, actor=administrator, name="CMS")
    with pytest.raises(services.NotAllowed):
        services.revoke_token(token, actor=editor)
    assert ApiToken.objects.active().count() == 1


@pytest.mark.parametrize("persona_api", ["fact_checker_api", "editor_api"])
def test_it_lists_the_queue_for_both_roles(request, persona_api):
    open_claim = factories.claim()
    factories.claim(status=Status.PUBLISHED)

    response = request.getfixturevalue(persona_api).get(CLAIMS)

    assert response.status_code == 200
    assert response.json()["results"][0]["id"] == open_claim.pk


# --- Creating and editing --------------------------------------------------------


def test_it_creates_a_claim_with_its_appearance(fact_checker_api):  # noqa: F811
    article = factories.article(url="https://addiyar.com/article/2109443")

    response = fact_checker_api.post(
        CLAIMS,
        {
            "text": "تركيا ليست طرفا في نظام روما الأساسي",
            "language": "ar",
            "appearance": {"article": article.pk, "quote": "غير أن تركيا ليست طرفا"},
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "submitted"
    assert body["appearances"][0]["is_first"] is True
    assert Claim.objects.get(pk=body["id"]).appearances.get().article == article


def test_it_ignores_workflow_fields_sent_on_create(editor_api):  # noqa: F811
    response = editor_api.post(
        CLAIMS,
        {"text": "claim", "language": "en", "status": "published", "version": 99},
        format="json",
    )

    assert response.status_code == 201
    claim = Claim.objects.get(pk=response.json()["id"])
    assert (claim.status, claim.version) == (Status.SUBMITTED, 1)


def test_it_refuses_priority_from_a_fact_checker(fact_checker_api):  # noqa: F811
    response = fact_checker_api.post(
        CLAIMS, {"text": "claim", "language": "en", "priority": 3}, format="json"
    )

    assert response.status_code == 403
    assert not Claim.objects.exists()


def test_it_refuses_bad_input_with_field_messages_and_stores_nothing(
    editor_api,  # noqa: F811
):
    response = editor_api.post(
        CLAIMS, {"text": "bidi \u202e here", "language": "xx"}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) >= {"language"}
    assert not Claim.objects.exists()


def test_it_answers_409_to_a_stale_version_and_keeps_the_first_edit(
    editor_api,  # noqa: F811
    second_editor_api,  # noqa: F811
):
    claim = factories.claim(text="الأصل")
    first = editor_api.patch(
        f"{CLAIMS}{claim.pk}/", {"text": "تعديل أول", "version": 1}, format="json"
    )
    stale = second_editor_api.patch(
        f"{CLAIMS}{claim.pk}/", {"text": "تعديل ثان", "version": 1}, format="json"
    )

    assert first.status_code == 200
    assert stale.status_code == 409
    assert "changed by someone else" in stale.json()["detail"]
    claim.refresh_from_db()
    assert claim.text == "تعديل أول"


def test_it_answers_412_to_a_stale_if_match(editor_api):  # noqa: F811
    claim = factories.claim()
    etag = editor_api.get(f"{CLAIMS}{claim.pk}/")["ETag"]
    editor_api.patch(
        f"{CLAIMS}{claim.pk}/", {"priority": 2}, format="json", HTTP_IF_MATCH=etag
    )

    stale = editor_api.patch(
        f"{CLAIMS}{claim.pk}/", {"priority": 3}, format="json", HTTP_IF_MATCH=etag
    )

    assert stale.status_code == 412
    assert Claim.objects.get(pk=claim.pk).priority == 2


def test_it_asks_which_version_an_edit_is_based_on(editor_api):  # noqa: F811
    claim = factories.claim()

    response = editor_api.patch(f"{CLAIMS}{claim.pk}/", {"priority": 2}, format="json")

    assert response.status_code == 428
    assert Claim.objects.get(pk=claim.pk).priority == 1


def test_it_never_lets_status_be_written_directly(editor_api):  # noqa: F811
    claim = factories.claim()

    response = editor_api.patch(
        f"{CLAIMS}{claim.pk}/",
        {"status": "published", "assignee": "layla", "version": 1},
        format="json",
    )

    assert response.status_code == 200
    assert Claim.objects.get(pk=claim.pk).status == Status.SUBMITTED


# --- The workflow ----------------------------------------------------------------


def test_it_refuses_a_fact_checker_approval_or_publication(
    fact_checker_api,  # noqa: F811
):
    in_review = factories.claim_at(Status.IN_REVIEW)
    approved = factories.claim_at(Status.APPROVED)

    assert transition(fact_checker_api, in_review, "approved").status_code == 403
    assert transition(fact_checker_api, approved, "published").status_code == 403
    assert Claim.objects.get(pk=in_review.pk).status == Status.IN_REVIEW
    assert Claim.objects.get(pk=approved.pk).status == Status.APPROVED


def test_it_answers_409_to_a_move_the_graph_does_not_allow(editor_api):  # noqa: F811
    claim = factories.claim()

    response = transition(editor_api, claim, "published")

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"


def test_it_names_what_a_draft_lacks_for_review(fact_checker_api):  # noqa: F811
    claim = factories.claim(status=Status.IN_RESEARCH)
    services.ensure_draft(claim)

    response = transition(fact_checker_api, claim, "in_review")

    assert response.status_code == 409
    assert response.json()["code"] == "guard_failed"
    assert "a rating" in response.json()["detail"]


def test_it_takes_a_claim_from_an_article_to_published_through_the_api(
    editor_api,  # noqa: F811
    second_editor_api,  # noqa: F811
    fact_checker_api,  # noqa: F811
    fact_checker,
):
    rating = factories.rating(5)
    outlet = factories.outlet(domain="addiyar.com")
    article = fact_checker_api.post(
        "/api/v1/articles/",
        {
            "url": "https://addiyar.com/article/2109443?utm_source=x",
            "outlet": outlet.pk,
            "title": "بوتين يزور أنقرة قريبا",
            "language": "ar",
        },
        format="json",
    ).json()
    claim = fact_checker_api.post(
        CLAIMS,
        {
            "text": "تركيا ليست طرفا في نظام روما الأساسي",
            "language": "ar",
            "appearance": {"article": article["id"], "quote": "تركيا ليست طرفا"},
        },
        format="json",
    ).json()
    url = f"{CLAIMS}{claim['id']}"

    assert editor_api.post(f"{url}/transitions/", {"to": "accepted"}).status_code == 200
    taken = fact_checker_api.post(
        f"{url}/assignment/", {"assignee": fact_checker.username}, format="json"
    )
    assert taken.json()["assignee"] == fact_checker.username
    assert (
        fact_checker_api.post(f"{url}/transitions/", {"to": "in_research"}).status_code
        == 200
    )
    draft = fact_checker_api.get(f"{url}/factcheck/").json()
    saved = fact_checker_api.patch(
        f"{url}/factcheck/",
        {
            "headline": "نعم، تركيا ليست طرفا في نظام روما",
            "summary": "صحيح: لم تصادق تركيا على نظام روما الأساسي.",
            "rating": rating.pk,
            "version": draft["version"],
        },
        format="json",
    )
    assert saved.status_code == 200, saved.json()
    source = fact_checker_api.post(
        f"{url}/sources/",
        {
            "url": "https://asp.icc-cpi.int/states-parties",
            "title": "The States Parties to the Rome Statute",
            "kind": "primary",
            "stance": "supports",
        },
        format="json",
    )
    assert source.status_code == 201, source.json()
    for client, to in [
        (fact_checker_api, "in_review"),
        (editor_api, "approved"),
        (second_editor_api, "published"),
    ]:
        response = client.post(f"{url}/transitions/", {"to": to}, format="json")
        assert response.status_code == 200, (to, response.json())

    public = editor_api.get(f"/api/v1/factchecks/{saved.json()['slug']}/")
    assert public.status_code == 200
    assert public.json()["verdict"]["label"] == "صحيح"
    moves = Event.objects.filter(claim_id=claim["id"], kind="transition")
    assert moves.count() == 5


def test_it_refuses_source_changes_after_approval(editor_api):  # noqa: F811
    claim = factories.claim_at(Status.APPROVED)
    source = claim.sources.get()

    added = editor_api.post(
        f"{CLAIMS}{claim.pk}/sources/",
        {
            "url": "https://example.org",
            "title": "x",
            "kind": "other",
            "stance": "context",
        },
        format="json",
    )
    removed = editor_api.delete(f"/api/v1/sources/{source.pk}/")

    assert (added.status_code, removed.status_code) == (409, 409)
    assert claim.sources.count() == 1


def test_it_refuses_a_javascript_source_link_with_a_field_message(
    fact_checker_api,  # noqa: F811
):
    claim = factories.claim(status=Status.IN_RESEARCH)

    response = fact_checker_api.post(
        f"{CLAIMS}{claim.pk}/sources/",
        {
            "url": "javascript:alert(1)",
            "title": "x",
            "kind": "other",
            "stance": "context",
        },
        format="json",
    )

    assert response.status_code == 400
    assert "url" in response.json()
    assert not claim.sources.exists()


def test_it_corrects_a_published_verdict_only_for_editors(
    editor_api,  # noqa: F811
    fact_checker_api,  # noqa: F811
):
    claim = factories.claim_at(Status.PUBLISHED)
    payload = {"kind": "correction", "note": "We misread the list.", "summary": "New."}

    refused = fact_checker_api.post(f"{CLAIMS}{claim.pk}/corrections/", payload)
    done = editor_api.post(f"{CLAIMS}{claim.pk}/corrections/", payload)

    assert refused.status_code == 403
    assert done.status_code == 201, done.json()
    assert FactCheck.objects.get(claim=claim).summary == "New."


def test_it_retracts_with_a_public_note_through_the_api(editor_api):  # noqa: F811
    claim = factories.claim_at(Status.PUBLISHED)

    without_note = transition(editor_api, claim, "retracted")
    with_note = transition(
        editor_api, claim, "retracted", note="The source was forged."
    )

    assert without_note.status_code == 409
    assert with_note.status_code == 200
    assert with_note.json()["status"] == "retracted"


# --- Hostile and oversized input --------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/claims/?q=%00",
        "/api/v1/factchecks/?q=%00",
        "/api/v1/factchecks/%00/",
        "/api/v1/claimants/a%00b/",
        "/api/v1/factchecks/?language=%00",
    ],
)
def test_it_answers_400_to_nul_bytes_in_the_address(editor_api, path):  # noqa: F811
    response = editor_api.get(path)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_characters"


@pytest.mark.parametrize("text", ["nul \u0000 byte", "lone \ud800 surrogate"])
def test_it_answers_400_to_hostile_characters_in_json(editor_api, text):  # noqa: F811
    body = json.dumps({"text": text, "language": "en"})

    response = editor_api.post(CLAIMS, body, content_type="application/json")

    assert response.status_code == 400
    assert "text" in response.json()
    assert not Claim.objects.exists()


def test_it_answers_400_to_wrong_types(editor_api):  # noqa: F811
    response = editor_api.post(CLAIMS, {"text": ["a"], "language": 5}, format="json")

    assert response.status_code == 400


def test_it_answers_413_as_json_to_an_oversized_body(editor_api):  # noqa: F811
    body = json.dumps({"text": "x" * (3 * 1024 * 1024), "language": "en"})

    response = editor_api.post(CLAIMS, body, content_type="application/json")

    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


def test_it_answers_429_with_retry_after_when_a_key_is_too_busy(
    editor_api,  # noqa: F811
    settings,
):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": "3/min"},
    }

    codes = [editor_api.get(CLAIMS).status_code for _ in range(3)]
    throttled = editor_api.get(CLAIMS)

    assert codes == [200, 200, 200]
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0


def test_it_throttles_anonymous_readers_too(anonymous, settings):  # noqa: F811
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "user": "100/min"},
    }

    codes = [anonymous.get("/api/v1/ratings/").status_code for _ in range(3)]

    assert codes == [200, 200, 429]


def test_it_publishes_an_openapi_schema_and_offline_docs(anonymous):  # noqa: F811
    schema = anonymous.get(
        "/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    docs = anonymous.get("/api/docs/")

    assert schema.status_code == 200
    spec = json.loads(schema.content)
    transitions = spec["paths"]["/api/v1/claims/{id}/transitions/"]["post"]
    assert {"200", "400", "401", "403", "404", "409", "413", "429"} <= set(
        transitions["responses"]
    )
    assert docs.status_code == 200
    html = docs.content.decode()
    # Every script and stylesheet comes from this site, none from a CDN. (Not a
    # search for "cdn": the page carries a random token that may spell it.)
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets
    assert [a for a in assets if a.startswith(("http:", "https:", "//"))] == []
    assert "/static/drf_spectacular_sidecar/" in html


def test_it_keeps_language_choices_in_the_schema(anonymous):  # noqa: F811
    spec = json.loads(
        anonymous.get(
            "/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
        ).content
    )

    assert set(spec["components"]["schemas"]["LanguageEnum"]["enum"]) == {
        Language.ARABIC,
        Language.ENGLISH,
    }


# --- The matrix: every newsroom endpoint, every kind of caller ------------------------

NEWSROOM_ENDPOINTS = [
    ("get", "/api/v1/claims/"),
    ("post", "/api/v1/claims/"),
    ("get", "/api/v1/claims/{claim}/"),
    ("patch", "/api/v1/claims/{claim}/"),
    ("post", "/api/v1/claims/{claim}/transitions/"),
    ("post", "/api/v1/claims/{claim}/assignment/"),
    ("get", "/api/v1/claims/{claim}/sources/"),
    ("post", "/api/v1/claims/{claim}/sources/"),
    ("get", "/api/v1/claims/{claim}/factcheck/"),
    ("patch", "/api/v1/claims/{claim}/factcheck/"),
    ("post", "/api/v1/claims/{claim}/corrections/"),
    ("get", "/api/v1/sources/{source}/"),
    ("patch", "/api/v1/sources/{source}/"),
    ("delete", "/api/v1/sources/{source}/"),
    ("get", "/api/v1/articles/"),
    ("post", "/api/v1/articles/"),
    ("get", "/api/v1/articles/{article}/"),
]


def fill(path: str) -> str:
    claim = factories.claim_at(Status.IN_RESEARCH)
    return path.format(
        claim=claim.pk,
        source=claim.sources.get().pk,
        article=factories.article().pk,
    )


@pytest.mark.parametrize(("method", "path"), NEWSROOM_ENDPOINTS)
@pytest.mark.parametrize(
    ("caller", "status"),
    [("anonymous", 401), ("revoked_api", 401), ("outsider_api", 403)],
)
def test_it_refuses_callers_without_a_valid_key_and_role(
    request, method, path, caller, status
):
    url = fill(path)
    client = request.getfixturevalue(caller)  # issuing its key is a recorded write
    before = (Claim.objects.count(), Event.objects.count())

    response = getattr(client, method)(url, {}, format="json")

    assert response.status_code == status
    assert (Claim.objects.count(), Event.objects.count()) == before


@pytest.mark.parametrize(
    ("method", "path"), [(m, p) for m, p in NEWSROOM_ENDPOINTS if "{" in p]
)
def test_it_answers_404_for_ids_that_do_not_exist(editor_api, method, path):  # noqa: F811
    url = path.format(claim=999999, source=999999, article=999999)

    response = getattr(editor_api, method)(url, {}, format="json")

    assert response.status_code == 404
    assert response.json()["detail"]


def test_it_answers_the_queue_and_a_claim_in_a_fixed_number_of_queries(
    editor_api,  # noqa: F811
    django_assert_num_queries,
):
    claim = factories.claim_at(Status.IN_RESEARCH)
    services.add_appearance(claim, actor=None, article=factories.article())
    editor_api.get(CLAIMS)  # warm the key's last-used stamp and content types

    with django_assert_num_queries(PINNED_QUEUE_QUERIES):
        editor_api.get(CLAIMS)
    with django_assert_num_queries(PINNED_CLAIM_QUERIES):
        editor_api.get(f"{CLAIMS}{claim.pk}/")

    for _ in range(4):
        factories.claim()  # no sources: the count must not be fetched per row
    for _ in range(8):
        more = factories.claim_at(Status.IN_RESEARCH)
        more.tags.add(factories.tag())
        services.add_appearance(more, actor=None, article=factories.article())
    with django_assert_num_queries(PINNED_QUEUE_QUERIES):
        assert editor_api.get(CLAIMS).json()["count"] == 13
    with django_assert_num_queries(PINNED_CLAIM_QUERIES):
        editor_api.get(f"{CLAIMS}{more.pk}/")


# key, permissions (user and groups), count, page, tags, appearances (with their
# articles joined).
PINNED_QUEUE_QUERIES = 7
PINNED_CLAIM_QUERIES = 6  # the same, with one row and no count
