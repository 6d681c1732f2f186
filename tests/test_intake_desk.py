"""Claim intake at the desk: articles taken in, processed in the background,
their proposals made claims or dismissed, and the models that learn from that.

Pages are served by pytest-httpserver on 127.0.0.1; the embedder is the small
trigram one (tests/intake_embedder.py), so nothing loads a multilingual model.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from factcheck import services
from factcheck.models import (
    Appearance,
    Claim,
    DecisionOutcome,
    DismissReason,
    Event,
    IntakeArticle,
    IntakeSource,
    JobState,
    Language,
    Outlet,
    Proposal,
    ProposalDecision,
    ProposalState,
    ScorerKind,
    ScorerModel,
    Status,
)
from factcheck.services import intake
from tests import factories

pytestmark = [pytest.mark.django_db]

ENGLISH = (
    "Kremlin spokesman Dmitry Peskov said on Wednesday that Turkey is not a party "
    "to the Rome Statute of the International Criminal Court.\n"
    "According to the court's own list, 123 countries are States Parties to the "
    "statute.\n"
    "I hope the summer will be pleasant for everyone."
)

ARABIC_TEXT = (
    "وقال بيسكوف إن تركيا ليست طرفا في نظام روما الأساسي للمحكمة الجنائية الدولية.\n"
    "وأضاف أن 123 دولة وقعت على النظام منذ عام 2002."
)

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Turkey and the court | Levant Ledger</title>
<link rel="canonical" href="{base}/news/turkey-court">
<meta name="author" content="Rana Haddad">
<meta property="article:published_time" content="2023-06-21T10:00:00Z">
<meta property="og:title" content="Turkey and the court">
</head><body><nav>Home | World | Subscribe</nav>
<article><h1>Turkey and the court</h1>
<p>Kremlin spokesman Dmitry Peskov said on Wednesday that Turkey is not a party to
the Rome Statute of the International Criminal Court.</p>
<p>According to the court's own list, 123 countries are States Parties to the
statute, and Turkey has never ratified it.</p>
<p>Peskov added that the question of a visit by President Vladimir Putin would be
decided later, in consultation with Ankara.</p>
</article><footer>Copyright 2023 Levant Ledger.</footer></body></html>"""


@pytest.fixture(autouse=True)
def small_embedder(settings):
    settings.INTAKE_EMBEDDER = "tests.intake_embedder.TrigramEmbedder"


def processed(article: IntakeArticle) -> IntakeArticle:
    """Run the job as the Celery task does, in this process."""
    intake.run_intake_job(article.pk, lease="task-1")
    article.refresh_from_db()
    return article


def pasted(actor, text: str = ENGLISH) -> IntakeArticle:
    return intake.submit_article(actor=actor, text=text)


def served_page(httpserver, body: str | None = None, **kwargs) -> str:
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/news/turkey-court").respond_with_data(
        body if body is not None else PAGE.format(base=base),
        content_type=kwargs.get("content_type", "text/html; charset=utf-8"),
        status=kwargs.get("status", 200),
    )
    return f"{base}/news/turkey-court"


# --- Taking an article in


def test_it_takes_pasted_text_in_and_processes_it_after_commit_in_the_background(
    fact_checker, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = pasted(fact_checker)

    assert article.state == JobState.PENDING
    assert article.source == IntakeSource.TEXT
    assert article.language == Language.ENGLISH
    assert not article.proposals.exists()
    assert enqueued() == [("factcheck.tasks.process_intake_article", [article.pk])]
    assert Event.objects.about(article).get().actor == fact_checker

    processed(article)

    assert article.state == JobState.DONE
    assert article.scorer_versions == "rules-en-1"
    ranked = list(article.proposals.ranked())
    assert [p.score for p in ranked] == sorted((p.score for p in ranked), reverse=True)
    assert ranked[-1].text.startswith("I hope the summer")
    assert all(0 <= p.score <= 1 for p in ranked)
    numbers = next(p for p in ranked if "123 countries" in p.text)
    assert "number" in numbers.reasons
    assert ranked[0].scorer.kind == ScorerKind.RULES


def test_it_sends_nothing_when_the_submission_rolls_back(fact_checker, enqueued):
    with pytest.raises(RuntimeError), transaction.atomic():
        pasted(fact_checker)
        raise RuntimeError("the request failed after the article was written")
    assert not IntakeArticle.objects.exists()
    assert enqueued() == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"text": "   \n "}, "either the article's link or its text"),
        ({"text": "x" * 100_001}, "up to 100000 characters"),
        ({"text": ENGLISH, "url": "https://example.org/a"}, "either"),
        ({}, "either"),
    ],
)
def test_it_refuses_text_it_cannot_take_and_stores_nothing(
    fact_checker, fields, message
):
    with pytest.raises(ValidationError) as refused:
        intake.submit_article(actor=fact_checker, **fields)
    assert message in " ".join(refused.value.messages)
    assert not IntakeArticle.objects.exists()
    assert not Event.objects.exists()


def test_it_takes_a_link_in_with_the_pages_main_text_title_author_and_date(
    fact_checker, httpserver, loopback_allowed
):
    url = served_page(httpserver)
    outlet = factories.outlet(domain="127.0.0.1", language=Language.ENGLISH)

    article = intake.submit_article(actor=fact_checker, url=url)

    assert article.source == IntakeSource.URL
    assert article.title == "Turkey and the court"
    assert article.author == "Rana Haddad"
    assert article.published_on == datetime.date(2023, 6, 21)
    assert article.canonical_url == url
    assert article.outlet == outlet
    assert "123 countries are States Parties" in article.text
    assert "Subscribe" not in article.text
    assert "Copyright" not in article.text


def test_the_same_page_taken_in_twice_is_one_article(
    fact_checker, editor, httpserver, loopback_allowed
):
    url = served_page(httpserver)
    first = intake.submit_article(actor=fact_checker, url=url)
    again = intake.submit_article(actor=editor, url=url + "?utm_source=x")
    assert again == first
    assert IntakeArticle.objects.count() == 1


def test_the_database_refuses_a_second_article_for_one_canonical_link(fact_checker):
    IntakeArticle.objects.create(
        source=IntakeSource.TEXT,
        text="a",
        language="en",
        canonical_url="https://a.org/",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        IntakeArticle.objects.create(
            source=IntakeSource.TEXT,
            text="b",
            language="en",
            canonical_url="https://a.org/",
        )


@pytest.mark.parametrize(
    ("response", "message"),
    [
        ({"body": "%PDF-1.4", "content_type": "application/pdf"}, "not to a web page"),
        ({"body": "gone", "status": 404}, "HTTP 404"),
        ({"body": "<html><body><img src=a.jpg></body></html>"}, "No article text"),
    ],
)
def test_it_refuses_a_link_that_is_not_an_article_and_stores_nothing(
    fact_checker, httpserver, loopback_allowed, response, message
):
    url = served_page(httpserver, **response)
    with pytest.raises(ValidationError) as refused:
        intake.submit_article(actor=fact_checker, url=url)
    assert message in " ".join(refused.value.message_dict["url"])
    assert not IntakeArticle.objects.exists()


def test_it_refuses_a_link_to_a_private_address_without_connecting(
    fact_checker, connections
):
    with pytest.raises(ValidationError) as refused:
        intake.submit_article(actor=fact_checker, url="http://192.168.1.10/news")
    assert "cannot be fetched" in " ".join(refused.value.message_dict["url"])
    assert connections == []
    assert not IntakeArticle.objects.exists()


def test_only_fact_checkers_and_editors_take_articles_in(
    fact_checker, editor, administrator, outsider, staff_without_role
):
    for person in (fact_checker, editor):
        assert pasted(person).created_by == person
    for person in (administrator, outsider, staff_without_role):
        with pytest.raises(services.NotAllowed):
            pasted(person)
    assert IntakeArticle.objects.count() == 2


# --- Processing


def test_a_proposal_shows_the_earlier_claim_it_repeats_with_its_fact_check(
    fact_checker,
):
    earlier = factories.public_factcheck(
        claim_fields={
            "text": "تركيا ليست طرفا في نظام روما الأساسي للمحكمة الجنائية الدولية"
        }
    )
    article = processed(
        pasted(
            fact_checker,
            "وقال بيسكوف إن تركيا ليست طرفا في نظام روما الأساسي للمحكمة الجنائية "
            "الدولية.\nوأضاف أن الزيارة ستبحث لاحقا.",
        )
    )
    rome = article.proposals.get(position=0)
    best = rome.matches[0]
    assert best["claim"] == earlier.claim_id
    assert best["factcheck"] == earlier.pk
    assert best["language"] == "ar"
    assert best["score"] >= intake.STRONG_MATCH
    assert intake.strong_matches(rome.matches) == [best]


def test_it_matches_the_speaker_to_a_known_claimant(fact_checker):
    peskov = factories.claimant(name="Dmitry Peskov")
    article = processed(pasted(fact_checker))
    sentence = article.proposals.get(position=0)
    assert "Peskov" in sentence.speaker
    assert sentence.claimant == peskov


def test_a_job_held_by_another_message_or_done_is_left_alone(fact_checker):
    article = pasted(fact_checker)
    IntakeArticle.objects.filter(pk=article.pk).update(
        state=JobState.RUNNING, lease="task-other"
    )
    intake.run_intake_job(article.pk, lease="task-1")
    assert not Proposal.objects.exists()

    IntakeArticle.objects.filter(pk=article.pk).update(state=JobState.PENDING)
    processed(article)
    count = Proposal.objects.count()
    intake.run_intake_job(article.pk, lease="task-2")
    assert Proposal.objects.count() == count


def test_the_sweeper_resends_an_article_whose_message_was_lost(fact_checker, enqueued):
    article = pasted(fact_checker)  # no commit callbacks run: the message is lost
    later = timezone.now() + datetime.timedelta(minutes=5)
    assert services.sweep(now=later) == 1
    assert ("factcheck.tasks.process_intake_article", [article.pk]) in enqueued()


def test_an_article_that_cannot_be_processed_fails_with_its_error(
    fact_checker, settings
):
    article = pasted(fact_checker)
    settings.INTAKE_EMBEDDER = "tests.intake_embedder.NoSuchEmbedder"
    processed(article)
    assert article.state == JobState.FAILED
    assert "NoSuchEmbedder" in article.error
    assert not article.proposals.exists()


# --- Deciding


@pytest.fixture
def proposal(fact_checker, httpserver, loopback_allowed) -> Proposal:
    factories.outlet(domain="127.0.0.1", language=Language.ENGLISH)
    article = intake.submit_article(actor=fact_checker, url=served_page(httpserver))
    processed(article)
    return article.proposals.get(text__contains="123 countries")


def test_make_it_a_claim_creates_the_claim_and_its_appearance_in_the_article(
    proposal, editor
):
    claimant = factories.claimant(name="Levant Ledger")
    claim = intake.make_claim(
        proposal,
        actor=editor,
        text="123 countries are States Parties to the Rome Statute.",
        claimant=claimant,
    )

    assert claim.status == Status.SUBMITTED
    assert claim.text == "123 countries are States Parties to the Rome Statute."
    assert claim.language == Language.ENGLISH
    assert claim.claimant == claimant
    assert claim.claimed_on == datetime.date(2023, 6, 21)
    appearance = Appearance.objects.get(claim=claim)
    assert appearance.is_first
    assert appearance.quote == proposal.text
    assert appearance.article.url == proposal.article.canonical_url
    assert proposal.state == ProposalState.CLAIMED
    assert proposal.claim == claim
    decision = proposal.decision
    assert decision.outcome == DecisionOutcome.CLAIM
    assert decision.score == proposal.score
    assert decision.scorer == proposal.scorer
    assert decision.actor == editor


def test_a_pasted_articles_proposal_becomes_a_claim_without_an_appearance(
    fact_checker,
):
    article = processed(pasted(fact_checker))
    claim = intake.make_claim(article.proposals.get(position=1), actor=fact_checker)
    assert claim.text.startswith("According to the court's own list")
    assert not claim.appearances.exists()
    assert f"#{article.pk}" in claim.submitted_context


def test_a_link_from_a_site_the_desk_does_not_know_adds_it_as_an_outlet(
    fact_checker, editor, httpserver, loopback_allowed
):
    article = processed(
        intake.submit_article(actor=fact_checker, url=served_page(httpserver))
    )
    assert article.outlet is None
    first, second = article.proposals.order_by("position")[:2]

    claim = intake.make_claim(first, actor=editor)
    other = intake.make_claim(second, actor=fact_checker)

    appearance = Appearance.objects.get(claim=claim)
    outlet = appearance.article.outlet
    assert (outlet.name, outlet.domain, outlet.language) == (
        "127.0.0.1",
        "127.0.0.1",
        Language.ENGLISH,
    )
    assert appearance.article.url == article.canonical_url
    assert appearance.quote == first.text and appearance.is_first
    # The second claim from the article appears in the same Article and outlet.
    assert Appearance.objects.get(claim=other).article == appearance.article
    assert Outlet.objects.count() == 1
    assert Event.objects.about(outlet).get().actor == editor
    article.refresh_from_db()
    assert article.outlet == outlet


def test_pasted_text_gets_its_appearance_in_the_link_the_editor_gives(
    fact_checker, editor
):
    known = factories.outlet(domain="levant-ledger.example", language="en")
    article = processed(pasted(fact_checker))
    first, second = article.proposals.order_by("position")[:2]

    claim = intake.make_claim(
        first,
        actor=editor,
        article_url="https://www.levant-ledger.example/news/1?utm_source=x",
    )
    other = intake.make_claim(second, actor=editor)

    appearance = Appearance.objects.get(claim=claim)
    assert appearance.article.url == "https://www.levant-ledger.example/news/1"
    assert appearance.article.outlet == known
    assert appearance.quote == first.text
    assert claim.submitted_context == appearance.article.url
    # The link is the article's now: the next claim appears there too.
    assert Appearance.objects.get(claim=other).article == appearance.article


def test_pasted_text_from_an_unknown_site_adds_the_outlet(fact_checker):
    article = processed(pasted(fact_checker, ARABIC_TEXT))
    claim = intake.make_claim(
        article.proposals.get(position=0),
        actor=fact_checker,
        article_url="https://aldiyar-news.example/2023/turkey",
    )
    outlet = claim.appearances.get().article.outlet
    assert (outlet.domain, outlet.language) == ("aldiyar-news.example", "ar")


@pytest.mark.parametrize(
    "link", ["not a link", "ftp://files.example/a", "javascript:alert(1)"]
)
def test_a_bad_link_for_pasted_text_is_refused_and_nothing_is_stored(
    fact_checker, link
):
    article = processed(pasted(fact_checker))
    proposal = article.proposals.get(position=0)
    with pytest.raises(ValidationError) as refused:
        intake.make_claim(proposal, actor=fact_checker, article_url=link)
    assert refused.value.message_dict["article_url"]
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.OPEN
    assert not Claim.objects.exists()
    assert not Outlet.objects.exists()


def test_a_link_is_refused_for_an_article_that_has_one(proposal, fact_checker):
    with pytest.raises(ValidationError) as refused:
        intake.make_claim(
            proposal, actor=fact_checker, article_url="https://news.example/other"
        )
    assert "has its link already" in refused.value.message_dict["article_url"][0]
    assert not Claim.objects.exists()


def test_a_proposal_is_decided_once(proposal, fact_checker, editor):
    intake.dismiss(proposal, actor=fact_checker, reason=DismissReason.NOT_IMPORTANT)
    with pytest.raises(services.GuardFailed):
        intake.make_claim(proposal, actor=editor)
    with pytest.raises(services.GuardFailed):
        intake.dismiss(proposal, actor=editor, reason=DismissReason.OPINION)
    assert Claim.objects.count() == 0
    assert ProposalDecision.objects.count() == 1


def test_a_refused_claim_text_leaves_the_proposal_open(proposal, fact_checker):
    with pytest.raises(ValidationError):
        intake.make_claim(proposal, actor=fact_checker, text="   ")
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.OPEN
    assert not ProposalDecision.objects.exists()
    assert not Claim.objects.exists()


def test_not_check_worthy_records_the_reason_and_what_was_shown(proposal, editor):
    earlier = factories.claim(Status.PUBLISHED)
    decision = intake.dismiss(
        proposal,
        actor=editor,
        reason=DismissReason.ALREADY_CHECKED,
        already_checked=earlier,
    )
    assert decision.already_checked == earlier
    assert decision.score == proposal.score
    assert decision.scorer.version == "rules-en-1"
    assert proposal.state == ProposalState.DISMISSED
    assert Event.objects.about(decision).get().actor == editor


def test_already_checked_names_the_earlier_claim_and_only_it_does(proposal, editor):
    with pytest.raises(ValidationError):
        intake.dismiss(proposal, actor=editor, reason=DismissReason.ALREADY_CHECKED)
    with pytest.raises(ValidationError):
        intake.dismiss(
            proposal,
            actor=editor,
            reason=DismissReason.OPINION,
            already_checked=factories.claim(),
        )
    with pytest.raises(ValidationError):
        intake.dismiss(proposal, actor=editor, reason="boring")
    assert not ProposalDecision.objects.exists()


def test_only_fact_checkers_and_editors_decide(
    proposal, administrator, outsider, staff_without_role
):
    for person in (administrator, outsider, staff_without_role):
        with pytest.raises(services.NotAllowed):
            intake.make_claim(proposal, actor=person)
        with pytest.raises(services.NotAllowed):
            intake.dismiss(proposal, actor=person, reason=DismissReason.OPINION)
    assert not ProposalDecision.objects.exists()


# --- The models that rank


def seed_rows(n: int = 80) -> list[tuple[str, bool]]:
    worthy = "Inflation rose to {} percent in {}, the central bank said."
    other = "We hope the {} festival brings joy to everyone in {}."
    return [
        (worthy.format(10 + i, 1990 + i), True)
        if i % 2
        else (other.format(("spring", "summer", "autumn")[i % 3], 1990 + i), False)
        for i in range(n)
    ]


def test_one_model_per_language_is_in_use_at_the_database():
    intake.current_scorer("en")
    with pytest.raises(IntegrityError), transaction.atomic():
        ScorerModel.objects.create(
            language="en",
            version="x",
            kind=ScorerKind.TRAINED,
            model=b"m",
            is_current=True,
        )


def test_a_trained_model_replaces_the_rules_when_it_ranks_the_latest_rows_as_well(
    fact_checker,
):
    training = intake.train_scorer("en", seed=seed_rows())

    assert training.replacement.replaced
    current = intake.current_scorer("en")
    assert current == training.model
    assert current.kind == ScorerKind.TRAINED
    assert current.trained_on == 80
    assert current.metrics["holdout_size"] == 20
    assert ScorerModel.objects.get(version="rules-en-1").is_current is False

    article = processed(pasted(fact_checker))
    assert article.scorer_versions == current.version
    assert {p.scorer for p in article.proposals.all()} == {current}


def test_a_model_is_kept_when_there_is_too_little_to_judge_a_new_one(editor):
    training = intake.train_scorer("en", seed=seed_rows(10))
    assert not training.replacement.replaced
    assert intake.current_scorer("en").version == "rules-en-1"


def test_editors_decisions_are_the_training_rows_in_the_order_they_were_made(
    proposal, editor
):
    intake.dismiss(proposal, actor=editor, reason=DismissReason.OPINION)
    other = proposal.article.proposals.exclude(pk=proposal.pk).first()
    intake.make_claim(other, actor=editor)
    rows = intake.decisions_for_training("en")
    assert [(r.text, r.label) for r in rows] == [
        (proposal.text, False),
        (other.text, True),
    ]
