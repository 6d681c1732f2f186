"""Claim intake through the newsroom API: take an article in, read its ranked
proposals, make one a claim or dismiss it. Fact-checkers and editors only."""

import pytest
from django.core.cache import cache

from factcheck.models import (
    INTAKE_TEXT_MAX_LENGTH,
    Claim,
    DismissReason,
    IntakeArticle,
    JobState,
    Language,
    ProposalDecision,
    ProposalState,
    Status,
)
from factcheck.services import intake, outbox
from tests import factories
from tests.api import (  # noqa: F401 (fixtures)
    anonymous,
    client_with_key,
    editor_api,
    fact_checker_api,
    key_for,
    outsider_api,
    revoked_api,
)

pytestmark = pytest.mark.django_db

ARTICLES = "/api/v1/intake/articles/"
PROPOSALS = "/api/v1/intake/proposals/"
ARABIC = (
    "وقال بيسكوف إن تركيا ليست طرفا في نظام روما الأساسي للمحكمة الجنائية الدولية.\n"
    "وأضاف أن 123 دولة وقعت على النظام منذ عام 2002.\n"
    "نتمنى لكم صيفا سعيدا."
)
DESK = ["fact_checker_api", "editor_api"]


@pytest.fixture(autouse=True)
def small_embedder(settings):
    settings.INTAKE_EMBEDDER = "tests.intake_embedder.TrigramEmbedder"
    cache.clear()


@pytest.fixture
def administrator_api(administrator):
    return client_with_key(key_for(administrator, administrator))


@pytest.fixture
def staff_without_role_api(staff_without_role, administrator):
    return client_with_key(key_for(staff_without_role, administrator))


REFUSED = [
    ("anonymous", 401),
    ("revoked_api", 401),
    ("outsider_api", 403),
    ("staff_without_role_api", 403),
    ("administrator_api", 403),
]


@pytest.fixture
def article(fact_checker) -> IntakeArticle:
    article = intake.submit_article(actor=fact_checker, text=ARABIC)
    intake.run_intake_job(article.pk, lease="task-1")
    article.refresh_from_db()
    return article


@pytest.fixture
def proposal(article):
    return article.proposals.get(position=1)


# --- Taking an article in ------------------------------------------------------------


@pytest.mark.parametrize("persona", DESK)
def test_the_desk_takes_pasted_text_in_and_is_told_where_to_follow_it(
    request, persona, django_capture_on_commit_callbacks
):
    client = request.getfixturevalue(persona)

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            ARTICLES, {"text": ARABIC, "title": "بيسكوف وتركيا"}, format="json"
        )

    article = IntakeArticle.objects.get()
    assert response.status_code == 202
    assert response["Location"].endswith(f"{ARTICLES}{article.pk}/")
    body = response.json()
    assert body["id"] == article.pk
    assert body["status"] == JobState.PENDING
    assert body["title"] == "بيسكوف وتركيا"
    assert body["language"] == Language.ARABIC
    assert body["progress"] == {"proposals": 0, "open": 0, "decided": 0}
    assert len(callbacks) == 1  # processing is sent after commit, not run here


def test_processing_is_sent_through_the_outbox(
    editor_api,  # noqa: F811
    enqueued,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        editor_api.post(ARTICLES, {"text": ARABIC}, format="json")
    article = IntakeArticle.objects.get()

    assert (outbox.PROCESS_INTAKE_ARTICLE, [article.pk]) in [
        (name, list(args)) for name, args in enqueued()
    ]


INVISIBLE = "\u200f \u200b\u200c\u200d\n\u2060\u00a0\u200e\t\u3000"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "detail"),
        ({"text": "", "url": ""}, "detail"),
        ({"text": ARABIC, "url": "https://example.org/a"}, "detail"),
        ({"text": "ب" * (INTAKE_TEXT_MAX_LENGTH + 1)}, "text"),
        ({"url": "http://127.0.0.1/article"}, "url"),
        ({"url": "not a link"}, "url"),
        ({"text": 5 * [ARABIC]}, "text"),
        ({"text": 0}, "text"),
        ({"url": 12}, "url"),
        # Direction marks, zero-width characters and spaces look like nothing.
        ({"text": INVISIBLE}, "text"),
        ({"text": "\u200f\u200e\u061c"}, "text"),
        ({"text": "\ufeff\u2800\u3164", "title": "فارغ"}, "text"),
    ],
)
def test_bad_input_gets_a_message_and_nothing_is_stored(
    editor_api,  # noqa: F811
    body,
    field,
):
    response = editor_api.post(ARTICLES, body, format="json")

    assert response.status_code == 400
    assert response.json()[field]
    assert not IntakeArticle.objects.exists()


@pytest.mark.parametrize(("persona", "status"), REFUSED)
def test_others_may_not_take_articles_in(request, persona, status):
    response = request.getfixturevalue(persona).post(
        ARTICLES, {"text": ARABIC}, format="json"
    )

    assert response.status_code == status
    assert not IntakeArticle.objects.exists()


# --- Reading it ---------------------------------------------------------------------


@pytest.mark.parametrize("persona", DESK)
def test_the_desk_reads_an_articles_progress(
    request,
    persona,
    article,
    django_assert_num_queries,
):
    client = request.getfixturevalue(persona)
    article.proposals.filter(position=1).update(state=ProposalState.DISMISSED)

    with django_assert_num_queries(5):  # key, user, groups' permissions, article
        response = client.get(f"{ARTICLES}{article.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == JobState.DONE
    total = article.proposals.count()
    assert body["progress"] == {"proposals": total, "open": total - 1, "decided": 1}


@pytest.mark.parametrize("persona", DESK)
def test_the_desk_reads_the_proposals_ranked_with_reasons_and_speaker(
    request, persona, article, django_assert_num_queries
):
    client = request.getfixturevalue(persona)

    with django_assert_num_queries(6):
        response = client.get(f"{ARTICLES}{article.pk}/proposals/")

    assert response.status_code == 200
    proposals = response.json()
    assert len(proposals) == article.proposals.count()
    scores = [p["score"] for p in proposals]
    assert scores == sorted(scores, reverse=True)
    rome = next(p for p in proposals if "روما" in p["text"])
    assert rome["speaker"] == "بيسكوف"
    assert rome["state"] == ProposalState.OPEN
    assert rome["model"]
    assert {"code", "label"} <= set(rome["reasons"][0])
    assert rome["already_checked"] is False


def test_a_proposal_shows_the_earlier_claim_it_repeats(fact_checker, editor_api):  # noqa: F811
    earlier = factories.claim(
        text="تركيا ليست طرفا في نظام روما الأساسي للمحكمة الجنائية الدولية",
    )
    article = intake.submit_article(actor=fact_checker, text=ARABIC)
    intake.run_intake_job(article.pk, lease="task-1")

    proposals = editor_api.get(f"{ARTICLES}{article.pk}/proposals/").json()

    rome = next(p for p in proposals if "روما" in p["text"])
    assert rome["matches"][0]["claim"] == earlier.pk
    assert rome["matches"][0]["strong"] is True
    assert rome["already_checked"] is True


@pytest.mark.parametrize(("persona", "status"), REFUSED)
def test_others_may_not_read_articles_or_proposals(request, persona, status, article):
    client = request.getfixturevalue(persona)

    assert client.get(f"{ARTICLES}{article.pk}/").status_code == status
    assert client.get(f"{ARTICLES}{article.pk}/proposals/").status_code == status


def test_an_unknown_article_is_404(editor_api):  # noqa: F811
    assert editor_api.get(f"{ARTICLES}999999/").status_code == 404
    assert editor_api.get(f"{ARTICLES}999999/proposals/").status_code == 404


# --- Deciding -----------------------------------------------------------------------


@pytest.mark.parametrize("persona", DESK)
def test_the_desk_makes_a_proposal_a_claim(request, persona, proposal):
    client = request.getfixturevalue(persona)
    claimant = factories.claimant(name="Dmitry Peskov")

    response = client.post(
        f"{PROPOSALS}{proposal.pk}/claim/",
        {"text": "تركيا ليست طرفا في نظام روما", "claimant": claimant.pk},
        format="json",
    )

    assert response.status_code == 201, response.json()
    claim = Claim.objects.get(proposals=proposal)
    assert response["Location"].endswith(f"/api/v1/claims/{claim.pk}/")
    assert response.json()["id"] == claim.pk
    assert claim.text == "تركيا ليست طرفا في نظام روما"
    assert claim.claimant == claimant
    assert claim.status == Status.SUBMITTED
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.CLAIMED
    assert proposal.decision.score == proposal.score


def test_a_claim_keeps_the_sentence_when_no_text_is_given(editor_api, proposal):  # noqa: F811
    response = editor_api.post(f"{PROPOSALS}{proposal.pk}/claim/", {}, format="json")

    assert response.status_code == 201
    assert Claim.objects.get().text == proposal.text


def test_pasted_texts_claim_appears_in_the_link_given_with_it(editor_api, proposal):  # noqa: F811
    response = editor_api.post(
        f"{PROPOSALS}{proposal.pk}/claim/",
        {"article_url": "https://aldiyar-news.example/2023/turkey"},
        format="json",
    )

    assert response.status_code == 201
    appearance = Claim.objects.get().appearances.get()
    assert appearance.article.url == "https://aldiyar-news.example/2023/turkey"
    assert appearance.article.outlet.domain == "aldiyar-news.example"
    assert appearance.quote == proposal.text


def test_a_decided_proposal_cannot_be_decided_again(editor_api, proposal):  # noqa: F811
    editor_api.post(f"{PROPOSALS}{proposal.pk}/claim/", {}, format="json")

    again = editor_api.post(f"{PROPOSALS}{proposal.pk}/claim/", {}, format="json")
    dismissed = editor_api.post(
        f"{PROPOSALS}{proposal.pk}/dismiss/", {"reason": "opinion"}, format="json"
    )

    assert again.status_code == dismissed.status_code == 409
    assert again.json()["detail"]
    assert Claim.objects.count() == 1
    assert ProposalDecision.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"language": "fr"}, "language"),
        ({"claimant": 999999}, "claimant"),
        ({"text": ""}, "text"),
        ({"article_url": "not a link"}, "article_url"),
    ],
)
def test_a_bad_claim_is_refused_and_the_proposal_stays_open(
    editor_api,  # noqa: F811
    proposal,
    body,
    field,
):
    response = editor_api.post(f"{PROPOSALS}{proposal.pk}/claim/", body, format="json")

    assert response.status_code == 400
    assert response.json()[field]
    assert not Claim.objects.exists()
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.OPEN


@pytest.mark.parametrize("persona", DESK)
def test_the_desk_dismisses_a_proposal_with_a_reason(request, persona, proposal):
    client = request.getfixturevalue(persona)

    response = client.post(
        f"{PROPOSALS}{proposal.pk}/dismiss/",
        {"reason": DismissReason.NOT_VERIFIABLE},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["state"] == ProposalState.DISMISSED
    assert proposal.__class__.objects.get(pk=proposal.pk).decision.reason == (
        DismissReason.NOT_VERIFIABLE
    )


def test_already_checked_names_the_earlier_claim(editor_api, proposal):  # noqa: F811
    earlier = factories.claim()

    response = editor_api.post(
        f"{PROPOSALS}{proposal.pk}/dismiss/",
        {"reason": DismissReason.ALREADY_CHECKED, "already_checked": earlier.pk},
        format="json",
    )

    assert response.status_code == 200
    assert ProposalDecision.objects.get().already_checked == earlier


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "reason"),
        ({"reason": "boring"}, "reason"),
        ({"reason": DismissReason.ALREADY_CHECKED}, "already_checked"),
        (
            {"reason": DismissReason.ALREADY_CHECKED, "already_checked": 999999},
            "already_checked",
        ),
    ],
)
def test_a_dismissal_without_a_proper_reason_is_refused(
    editor_api,  # noqa: F811
    proposal,
    body,
    field,
):
    response = editor_api.post(
        f"{PROPOSALS}{proposal.pk}/dismiss/", body, format="json"
    )

    assert response.status_code == 400
    assert response.json()[field]
    assert not ProposalDecision.objects.exists()


@pytest.mark.parametrize(("persona", "status"), REFUSED)
def test_others_may_not_decide_on_proposals(request, persona, status, proposal):
    client = request.getfixturevalue(persona)

    made = client.post(f"{PROPOSALS}{proposal.pk}/claim/", {}, format="json")
    dismissed = client.post(
        f"{PROPOSALS}{proposal.pk}/dismiss/", {"reason": "opinion"}, format="json"
    )

    assert made.status_code == dismissed.status_code == status
    assert not ProposalDecision.objects.exists()
    assert not Claim.objects.exists()


def test_an_unknown_proposal_is_404(editor_api):  # noqa: F811
    response = editor_api.post(f"{PROPOSALS}999999/claim/", {}, format="json")

    assert response.status_code == 404
