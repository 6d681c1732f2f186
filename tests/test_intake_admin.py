"""The intake pages of the admin: who may take articles in and decide on their
sentences, and what the article page shows."""

import pytest
from django.urls import reverse

from factcheck.models import (
    Claim,
    DismissReason,
    IntakeArticle,
    Proposal,
    ProposalState,
)
from factcheck.services import intake
from tests import factories

pytestmark = [pytest.mark.django_db]

ARABIC = (
    "وقال بيسكوف إن تركيا ليست طرفا في نظام روما الأساسي للمحكمة الجنائية الدولية.\n"
    "وأضاف أن 123 دولة وقعت على النظام منذ عام 2002.\n"
    "نتمنى لكم صيفا سعيدا."
)
ADD = reverse("admin:factcheck_intakearticle_add")
LIST = reverse("admin:factcheck_intakearticle_changelist")


@pytest.fixture(autouse=True)
def small_embedder(settings):
    settings.INTAKE_EMBEDDER = "tests.intake_embedder.TrigramEmbedder"


def page(article: IntakeArticle) -> str:
    return reverse("admin:factcheck_intakearticle_change", args=[article.pk])


def decide(proposal: Proposal, action: str) -> str:
    return reverse(
        "admin:factcheck_intakearticle_decide",
        args=[proposal.article_id, proposal.pk, action],
    )


@pytest.fixture
def article(fact_checker) -> IntakeArticle:
    article = intake.submit_article(actor=fact_checker, text=ARABIC)
    intake.run_intake_job(article.pk, lease="task-1")
    article.refresh_from_db()
    return article


@pytest.fixture
def proposal(article) -> Proposal:
    return article.proposals.get(position=1)


@pytest.mark.parametrize("persona", ["fact_checker", "editor"])
def test_fact_checkers_and_editors_take_an_article_in_by_pasting_it(
    client, request, persona, django_capture_on_commit_callbacks
):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(ADD).status_code == 200
    with django_capture_on_commit_callbacks():
        response = client.post(ADD, {"text": ARABIC, "title": "بيسكوف وتركيا"})
    article = IntakeArticle.objects.get()
    assert response.status_code == 302
    assert response["Location"] == page(article)
    assert article.title == "بيسكوف وتركيا"


@pytest.mark.parametrize("persona", ["administrator", "staff_without_role", "outsider"])
def test_others_may_not_take_articles_in_or_read_them(
    client, request, persona, article
):
    client.force_login(request.getfixturevalue(persona))
    for url in (ADD, LIST, page(article)):
        assert client.get(url).status_code in (302, 403)
    client.post(ADD, {"text": ARABIC})
    assert IntakeArticle.objects.count() == 1


def test_empty_or_huge_text_comes_back_with_the_reason_and_nothing_is_stored(
    client, editor
):
    client.force_login(editor)
    for text, reason in [
        ("", "either the article"),
        ("x" * 100_001, "100000"),
        ("\u200f\u200e \u200b\u2060\n\u200d", "The article has no text."),
    ]:
        response = client.post(ADD, {"text": text})
        assert response.status_code == 200
        assert reason in response.content.decode()
    assert not IntakeArticle.objects.exists()


def test_the_article_page_refreshes_itself_while_the_article_waits(client, editor):
    client.force_login(editor)
    waiting = intake.submit_article(actor=editor, text=ARABIC)
    body = client.get(page(waiting)).content.decode()
    assert "factcheck/intake-refresh.js" in body
    assert "data-refresh-seconds" in body
    assert "<script>" not in body  # the CSP allows no inline script


def test_the_article_page_ranks_the_sentences_with_reasons_in_arabic(
    client, editor, django_assert_num_queries
):
    # Earlier claims to match, one with a published fact-check and one without:
    # the page reads them all in one query.
    factories.public_factcheck(claim_fields={"text": ARABIC.splitlines()[0]})
    factories.claim(text=ARABIC.splitlines()[1])
    article = intake.submit_article(actor=editor, text=ARABIC)
    intake.run_intake_job(article.pk, lease="task-1")
    assert sum(bool(p.matches) for p in article.proposals.all()) >= 2
    client.force_login(editor)
    client.get(page(article))  # the session and permissions, read once
    with django_assert_num_queries(8):
        response = client.get(page(article), headers={"Accept-Language": "ar"})
    body = response.content.decode()
    assert "intake-refresh.js" not in body
    positions = [
        body.index(f'id="proposal-{p.pk}"') for p in article.proposals.ranked()
    ]
    assert positions == sorted(positions)
    assert "رقم أو كمية" in body  # "a number or quantity"
    assert "اجعلها ادعاءً" in body  # "Make it a claim"


def test_the_page_shows_an_earlier_claim_the_sentence_repeats(client, editor):
    earlier = factories.public_factcheck(
        claim_fields={
            "text": "تركيا ليست طرفا في نظام روما الأساسي للمحكمة الجنائية الدولية"
        }
    )
    article = intake.submit_article(actor=editor, text=ARABIC)
    intake.run_intake_job(article.pk, lease="task-1")
    client.force_login(editor)
    body = client.get(page(article)).content.decode()
    claim_page = reverse("admin:factcheck_claim_change", args=[earlier.claim_id])
    assert f'href="{claim_page}"' in body
    assert earlier.get_absolute_url() in body
    assert "Already checked?" in body


def test_make_it_a_claim_puts_the_edited_text_in_the_queue(client, editor, proposal):
    client.force_login(editor)
    peskov = factories.claimant(name="ديمتري بيسكوف")
    response = client.post(
        decide(proposal, "claim"),
        {
            "text": "123 دولة وقعت على نظام روما",
            "language": "ar",
            "claimant": peskov.pk,
        },
    )
    assert response.status_code == 302
    claim = Claim.objects.get()
    assert claim.text == "123 دولة وقعت على نظام روما"
    assert claim.claimant == peskov
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.CLAIMED
    assert proposal.decision.actor == editor


def test_pasted_text_asks_where_it_was_published_and_records_the_appearance(
    client, editor, proposal
):
    client.force_login(editor)
    assert 'name="article_url"' in client.get(page(proposal.article)).content.decode()
    response = client.post(
        decide(proposal, "claim"),
        {
            "text": proposal.text,
            "language": "ar",
            "article_url": "https://aldiyar-news.example/2023/turkey",
        },
    )
    assert response.status_code == 302
    appearance = Claim.objects.get().appearances.get()
    assert appearance.article.outlet.domain == "aldiyar-news.example"


def test_a_bad_link_for_pasted_text_comes_back_with_the_reason(
    client, editor, proposal
):
    client.force_login(editor)
    response = client.post(
        decide(proposal, "claim"),
        {"text": proposal.text, "language": "ar", "article_url": "not a link"},
        follow=True,
    )
    assert "Only http:// and https:// links are accepted." in response.content.decode()
    assert not Claim.objects.exists()


def test_not_check_worthy_records_the_reason(client, fact_checker, proposal):
    client.force_login(fact_checker)
    client.post(decide(proposal, "dismiss"), {"reason": DismissReason.OPINION})
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.DISMISSED
    assert proposal.decision.reason == DismissReason.OPINION


def test_already_checked_must_name_a_claim_that_exists(client, fact_checker, proposal):
    client.force_login(fact_checker)
    response = client.post(
        decide(proposal, "dismiss"),
        {"reason": DismissReason.ALREADY_CHECKED, "already_checked": 999999},
        follow=True,
    )
    assert "There is no claim #999999" in response.content.decode()
    response = client.post(
        decide(proposal, "dismiss"),
        {"reason": DismissReason.ALREADY_CHECKED},
        follow=True,
    )
    assert "Name the earlier claim" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.OPEN


def test_a_decided_proposal_is_not_decided_again(client, editor, proposal):
    client.force_login(editor)
    client.post(decide(proposal, "dismiss"), {"reason": DismissReason.NOT_IMPORTANT})
    response = client.post(
        decide(proposal, "claim"), {"text": "x", "language": "ar"}, follow=True
    )
    assert "already decided" in response.content.decode()
    assert not Claim.objects.exists()


@pytest.mark.parametrize("persona", ["administrator", "staff_without_role", "outsider"])
def test_others_may_not_decide(client, request, persona, proposal):
    client.force_login(request.getfixturevalue(persona))
    for action, data in [
        ("claim", {"text": "x", "language": "ar"}),
        ("dismiss", {"reason": DismissReason.OPINION}),
    ]:
        assert client.post(decide(proposal, action), data).status_code in (302, 403)
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.OPEN


def test_deciding_is_a_post(client, editor, proposal):
    client.force_login(editor)
    assert client.get(decide(proposal, "claim")).status_code == 405
    assert client.post(decide(proposal, "delete"), {}).status_code == 403


PAGE = """<html><head><title>Turkey and the court</title></head><body><article>
<p>Kremlin spokesman Dmitry Peskov said on Wednesday that Turkey is not a party to
the Rome Statute of the International Criminal Court.</p>
<p>According to the court's own list, 123 countries are States Parties to it.</p>
</article></body></html>"""


def test_a_link_is_taken_in_and_a_refused_one_comes_back_with_the_reason(
    client, editor, httpserver, loopback_allowed
):
    httpserver.expect_request("/a").respond_with_data(PAGE, content_type="text/html")
    httpserver.expect_request("/b").respond_with_data(
        "%PDF", content_type="application/pdf"
    )
    client.force_login(editor)

    refused = client.post(ADD, {"url": httpserver.url_for("/b")})
    assert refused.status_code == 200
    assert "not to a web page or text" in refused.content.decode()
    assert not IntakeArticle.objects.exists()

    taken = client.post(ADD, {"url": httpserver.url_for("/a")})
    article = IntakeArticle.objects.get()
    assert taken["Location"] == page(article)
    assert article.title == "Turkey and the court"


def test_the_list_of_articles_costs_the_same_queries_however_long(
    client, editor, django_assert_num_queries
):
    for n in range(3):
        intake.submit_article(actor=editor, text=f"{ARABIC}\n{n}")
    client.force_login(editor)
    client.get(LIST)
    with django_assert_num_queries(7):
        response = client.get(LIST)
    assert response.status_code == 200
    for n in range(3):
        intake.submit_article(actor=editor, text=f"{ARABIC}\n{n + 3}")
    with django_assert_num_queries(7):
        assert client.get(LIST).status_code == 200


def test_fact_checkers_see_which_model_ranks_each_language_and_administrators_do_not(
    client, fact_checker, administrator, article
):
    models = reverse("admin:factcheck_scorermodel_changelist")
    client.force_login(fact_checker)
    assert "rules-ar-1" in client.get(models).content.decode()
    client.force_login(administrator)
    assert client.get(models).status_code == 403
