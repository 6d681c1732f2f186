"""Input that once ended in a server error: each is now a 4xx or a form error,
and nothing is stored."""

import itertools
import json
import time
import unicodedata

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from factcheck import services, webhooks
from factcheck.models import (
    ApiToken,
    Claim,
    Delivery,
    Event,
    FactCheck,
    JobState,
    Language,
    Outlet,
    Source,
    Status,
    Subscriber,
    Tag,
    WebhookEvent,
)
from factcheck.models.search import (
    BODY_MAX_LENGTH,
    CLAIM_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
)
from tests import factories
from tests.admin_forms import change_form_data
from tests.api import (  # noqa: F401 (fixtures)
    anonymous,
    editor_api,
    fact_checker_api,
)

pytestmark = pytest.mark.django_db

CLAIMS = "/api/v1/claims/"
SUPERSCRIPT_TWO = "\u00b2"  # str.isdigit() says yes, int() says no


# --- Query strings ------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/factchecks/",
        "/api/v1/claimants/",
        "/api/v1/claims/",
        "/api/v1/articles/",
    ],
)
def test_it_answers_400_to_a_unicode_digit_as_page_size(editor_api, path):  # noqa: F811
    response = editor_api.get(path, {"page_size": SUPERSCRIPT_TWO})

    assert response.status_code == 400
    assert response.json() == {"page_size": ["A whole number from 1 to 100."]}


@pytest.mark.parametrize("term", [SUPERSCRIPT_TWO, "١٢", "9" * 30])
def test_it_searches_the_admin_queue_for_a_unicode_digit_as_text(client, editor, term):
    claim = factories.claim(text="Turkey ratified the Rome Statute in 2002")
    client.force_login(editor)

    response = client.get(reverse("admin:factcheck_claim_changelist"), {"q": term})

    assert response.status_code == 200
    assert claim not in response.context["cl"].result_list


# --- JSON bodies --------------------------------------------------------------------


def post_json(api, path: str, data) -> object:
    return api.post(path, json.dumps(data), content_type="application/json")


def test_it_answers_400_to_a_nul_in_a_tag_slug(editor_api):  # noqa: F811
    factories.tag(slug="icc")

    response = post_json(
        editor_api, CLAIMS, {"text": "A claim", "language": "en", "tags": ["ic\x00c"]}
    )

    assert response.status_code == 400
    assert response.json() == {"tags": ["Null characters are not allowed."]}
    assert not Claim.objects.exists()


def test_it_answers_400_to_a_nul_in_a_tag_slug_on_edit(editor_api):  # noqa: F811
    claim = factories.claim()

    response = editor_api.patch(
        f"{CLAIMS}{claim.pk}/",
        json.dumps({"tags": ["\x00"], "version": claim.version}),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "tags" in response.json()
    claim.refresh_from_db()
    assert claim.version == 1


def test_it_answers_400_to_a_nul_in_an_assignee_name(editor_api, fact_checker):  # noqa: F811
    claim = factories.claim(status=Status.ACCEPTED)

    response = post_json(
        editor_api, f"{CLAIMS}{claim.pk}/assignment/", {"assignee": "fatima\x00"}
    )

    assert response.status_code == 400
    assert response.json() == {"assignee": ["Null characters are not allowed."]}
    claim.refresh_from_db()
    assert claim.assignee is None


def test_it_answers_400_to_json_nested_100000_deep(editor_api):  # noqa: F811
    body = '{"text": ' + "[" * 100_000 + "]" * 100_000 + ', "language": "en"}'

    response = editor_api.post(CLAIMS, body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert "Malformed JSON" in response.json()["detail"]
    assert not Claim.objects.exists()


def test_it_answers_400_to_json_nested_past_the_limit_the_parser_names(editor_api):  # noqa: F811
    from factcheck.api.parsers import MAX_DEPTH

    def nested(depth: int) -> str:
        return "[" * (depth - 1) + "{}" + "]" * (depth - 1)

    deep = editor_api.post(
        CLAIMS, nested(MAX_DEPTH + 1), content_type="application/json"
    )
    at_limit = editor_api.post(
        CLAIMS, nested(MAX_DEPTH), content_type="application/json"
    )

    assert deep.status_code == 400
    assert f"more than {MAX_DEPTH} levels" in deep.json()["detail"]
    # Parsed, then refused by the serializer for being the wrong shape.
    assert at_limit.status_code == 400
    assert "non_field_errors" in at_limit.json()


# --- Texts the search vector must hold ----------------------------------------------

# Letters of four bytes each, hyphenated: PostgreSQL indexes each word and each of
# its parts, so every character becomes nearly eight bytes of the search vector,
# the most any text can make of it.
WIDE_LETTERS = [
    chr(c)
    for c in range(0x1D400, 0x1D6A4)
    if unicodedata.category(chr(c)).startswith("L")
]


def distinct_words(length: int) -> str:
    """`length` characters of words that are all different, as wide as possible."""
    prefixes = ("".join(p) for p in itertools.product(WIDE_LETTERS, repeat=3))
    words = []
    size = 0
    while size < length:
        first, second = next(prefixes), next(prefixes)
        word = f"{first}{'𝐚' * 60}-{second}{'𝐛' * 60}"
        words.append(word)
        size += len(word) + 1
    return " ".join(words)[:length].strip().ljust(length, "𝐜")


def test_the_limits_leave_room_for_every_text_in_one_search_vector():
    # 1 MB of distinct words (PostgreSQL's limit), at most 8 bytes a character.
    assert (200 + SUMMARY_MAX_LENGTH + BODY_MAX_LENGTH) * 8 < 2**20 - 1
    assert CLAIM_MAX_LENGTH * 8 < 2**20 - 1


def test_it_stores_a_claim_and_draft_of_distinct_words_at_the_maximum(
    fact_checker, editor
):
    submitted = services.submit_claim(
        text=distinct_words(CLAIM_MAX_LENGTH), language=Language.ENGLISH, actor=editor
    )
    claim = factories.claim_at(Status.IN_RESEARCH, language=Language.ENGLISH)
    draft = claim.factcheck

    services.save_draft(
        draft,
        actor=fact_checker,
        expected_version=draft.version,
        changes={
            "headline": distinct_words(200),
            "summary": distinct_words(SUMMARY_MAX_LENGTH),
            "body": distinct_words(BODY_MAX_LENGTH),
        },
    )

    draft.refresh_from_db()
    assert len(draft.body) == BODY_MAX_LENGTH
    assert FactCheck.objects.search(draft.body.split()[-2]).get() == draft
    submitted.refresh_from_db()
    assert len(submitted.text) == CLAIM_MAX_LENGTH
    # The draft above is made of the same words, and search finds a claim by its
    # draft's words too: the claim must be among what the word finds.
    assert submitted in Claim.objects.search(submitted.text.split()[-2])


@pytest.mark.parametrize(
    ("field", "limit"), [("summary", SUMMARY_MAX_LENGTH), ("body", BODY_MAX_LENGTH)]
)
def test_it_refuses_a_draft_text_one_character_over_its_maximum(
    fact_checker, field, limit
):
    draft = factories.claim_at(Status.IN_RESEARCH).factcheck

    with pytest.raises(ValidationError) as refused:
        services.save_draft(
            draft,
            actor=fact_checker,
            expected_version=draft.version,
            changes={field: distinct_words(limit + 1)},
        )

    assert f"at most {limit} characters" in refused.value.message_dict[field][0]
    assert FactCheck.objects.get(pk=draft.pk).version == draft.version


def test_it_refuses_a_claim_one_character_over_its_maximum(editor):
    with pytest.raises(ValidationError) as refused:
        services.submit_claim(
            text=distinct_words(CLAIM_MAX_LENGTH + 1),
            language=Language.ENGLISH,
            actor=editor,
        )

    assert "text" in refused.value.message_dict
    assert not Claim.objects.exists()


def test_it_answers_400_to_a_draft_body_too_long_for_search(fact_checker_api):  # noqa: F811
    claim = factories.claim_at(Status.IN_RESEARCH, language=Language.ENGLISH)
    # Distinct hyphenated words: about 2 MB of search vector, over PostgreSQL's 1 MB.
    body = " ".join(f"w{n}x-v{n}y" for n in range(80_000))

    response = fact_checker_api.patch(
        f"{CLAIMS}{claim.pk}/factcheck/",
        json.dumps({"body": body, "version": claim.factcheck.version}),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "body" in response.json()
    assert FactCheck.objects.get(pk=claim.factcheck.pk).body != body


def test_it_answers_400_to_a_claim_text_too_long_for_search(editor_api):  # noqa: F811
    text = " ".join(f"w{n}x-v{n}y" for n in range(80_000))

    response = post_json(editor_api, CLAIMS, {"text": text, "language": "en"})

    assert response.status_code == 400
    assert "text" in response.json()
    assert not Claim.objects.exists()


def test_the_admin_refuses_a_draft_body_over_its_maximum(client, fact_checker):
    claim = factories.claim_at(Status.IN_RESEARCH, language=Language.ENGLISH)
    client.force_login(fact_checker)
    url = reverse("admin:factcheck_claim_change", args=[claim.pk])
    data = change_form_data(client.get(url))
    data["factcheck-0-body"] = distinct_words(BODY_MAX_LENGTH + 1)

    response = client.post(url, data)

    assert response.status_code == 200
    formsets = {
        inline.formset.prefix: inline.formset
        for inline in response.context["inline_admin_formsets"]
    }
    assert "body" in formsets["factcheck"].errors[0]
    assert FactCheck.objects.get(pk=claim.factcheck.pk).body != data["factcheck-0-body"]


@pytest.mark.parametrize(
    ("model", "field", "limit"),
    [
        (Claim, "text", CLAIM_MAX_LENGTH),
        (FactCheck, "summary", SUMMARY_MAX_LENGTH),
        (FactCheck, "body", BODY_MAX_LENGTH),
    ],
)
def test_the_database_refuses_a_text_over_its_maximum(model, field, limit):
    row = factories.claim_at(Status.IN_RESEARCH)
    if model is FactCheck:
        row = row.factcheck

    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=row.pk).update(**{field: "a" * (limit + 1)})


# --- Admin actions --------------------------------------------------------------------


def actionable(kind: str):
    """A row of each changelist with an action, and what the action would change."""
    if kind == "claim":
        return factories.claim()
    if kind == "source":
        return factories.source(factories.claim_at(Status.IN_RESEARCH))
    if kind == "delivery":
        Subscriber.objects.create(
            name="Partner",
            url="https://partner.example/hook",
            events=[WebhookEvent.PUBLISHED],
        )
        services.transition(
            factories.claim_at(Status.APPROVED),
            to=Status.PUBLISHED,
            actor=factories.user("publisher", "Editors"),
        )
        Delivery.objects.update(state=JobState.FAILED)
        return Delivery.objects.get()
    if kind == "apitoken":
        return services.issue_token(
            factories.user("cms", "Editors"),
            actor=factories.user("root_admin", "Administrators"),
            name="CMS",
        )[0]
    if kind == "tag":
        return factories.tag()
    if kind == "outlet":
        return Outlet.objects.create(
            name="Al Diyar", domain="diyar.example", language="ar"
        )
    raise AssertionError(kind)


ACTIONS = {
    "claim queue": ("claim", "accept", "editor", Claim),
    "sources": ("source", "rearchive", "editor", Source),
    "deliveries": ("delivery", "send_again", "administrator", Delivery),
    "api keys": ("apitoken", "revoke", "administrator", ApiToken),
    "tags": ("tag", "delete_selected", "administrator", Tag),
    "outlets": ("outlet", "delete_selected", "administrator", Outlet),
}


@pytest.mark.parametrize("selected", ["abc", SUPERSCRIPT_TWO, ""])
@pytest.mark.parametrize(
    ("kind", "action", "who", "model"), ACTIONS.values(), ids=ACTIONS
)
def test_an_admin_action_on_a_selection_that_is_not_an_id_changes_nothing(
    client, request, kind, action, who, model, selected
):
    row = actionable(kind)
    before = model.objects.values().get(pk=row.pk)
    events = Event.objects.count()
    client.force_login(request.getfixturevalue(who))
    changelist = reverse(f"admin:factcheck_{kind}_changelist")

    response = client.post(
        changelist,
        {"action": action, "_selected_action": [str(row.pk), selected], "index": "0"},
    )

    assert response.status_code == 302
    assert response["Location"] == changelist
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("not understood" in m for m in shown), shown
    assert model.objects.values().get(pk=row.pk) == before
    assert Event.objects.count() == events


def test_an_admin_action_still_runs_on_a_selection_of_ids(client, editor):
    claim = factories.claim()
    client.force_login(editor)

    client.post(
        reverse("admin:factcheck_claim_changelist"),
        {"action": "accept", "_selected_action": [str(claim.pk)], "index": "0"},
    )

    claim.refresh_from_db()
    assert claim.status == Status.ACCEPTED


# --- Webhook signatures ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("timestamp", "signature_header"),
    [
        (SUPERSCRIPT_TWO, None),
        ("arabic-indic", None),  # int() reads them; the sender never sent them
        ("9" * 5000, None),  # past int()'s digit limit
        ("9" * 400, None),  # past what a float can hold
        (None, "sha256=é"),  # compare_digest refuses non-ASCII text
        (None, "sha256=\ud800"),  # a lone surrogate, which no encoding takes
    ],
)
def test_a_webhook_signature_check_says_no_to_garbled_headers(
    timestamp, signature_header
):
    body = webhooks.body_of({"event": "factcheck.published"})
    now = int(time.time())
    good = webhooks.signed_headers(
        secret="s" * 43, body=body, kind="factcheck.published", key="k", timestamp=now
    )

    if timestamp == "arabic-indic":
        timestamp = str(now).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))

    verified = webhooks.verify(
        "s" * 43,
        body=body,
        timestamp=timestamp or good[webhooks.TIMESTAMP_HEADER],
        signature_header=signature_header or good[webhooks.SIGNATURE_HEADER],
        now=now,
    )

    assert verified is False
