"""Who may do what in the admin: the role matrix, actions, buttons and conflicts."""

import pytest
from django.urls import reverse

from factcheck import services
from factcheck.models import Claim, Correction, Event, Rating, Status
from tests import factories
from tests.admin_forms import change_form_data

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:factcheck_claim_changelist")
LOGIN = reverse("admin:login")


def change_url(claim: Claim) -> str:
    return reverse("admin:factcheck_claim_change", args=[claim.pk])


def transition_url(claim: Claim) -> str:
    return reverse("admin:factcheck_claim_transition", args=[claim.pk])


def run_action(client, action: str, claims, note: str = "", **more):
    return client.post(
        QUEUE,
        {
            "action": action,
            "_selected_action": [c.pk for c in claims],
            "note": note,
            "index": 0,
            **more,
        },
        follow=True,
    )


def page_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- Entering the admin --------------------------------------------------------------


def test_it_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


@pytest.mark.parametrize("persona", ["outsider", "staff_without_role"])
def test_it_keeps_people_without_a_newsroom_role_out(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    for url in (reverse("admin:index"), QUEUE):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(LOGIN)


@pytest.mark.parametrize("persona", ["fact_checker", "editor"])
def test_it_shows_the_queue_to_fact_checkers_and_editors(client, request, persona):
    factories.claim(text="تركيا ليست طرفا في نظام روما الأساسي")
    client.force_login(request.getfixturevalue(persona))

    response = client.get(QUEUE)

    assert response.status_code == 200
    assert "تركيا ليست طرفا" in response.content.decode()


def test_it_gives_administrators_the_rating_scale_but_not_the_queue(
    client, administrator
):
    client.force_login(administrator)

    assert client.get(reverse("admin:factcheck_rating_changelist")).status_code == 200
    assert client.get(reverse("admin:factcheck_rating_add")).status_code == 200
    assert client.get(QUEUE).status_code == 403


def test_it_lets_only_administrators_edit_the_rating_scale(client, editor):
    rating = factories.rating(5)
    client.force_login(editor)

    url = reverse("admin:factcheck_rating_change", args=[rating.pk])
    response = client.post(url, {"label_en": "Changed"})

    assert response.status_code == 403
    assert Rating.objects.get(pk=rating.pk).label_en == "True"


def test_it_never_offers_to_delete_a_claim(client, editor):
    claim = factories.claim()
    client.force_login(editor)

    response = client.post(
        reverse("admin:factcheck_claim_delete", args=[claim.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert Claim.objects.filter(pk=claim.pk).exists()


# --- Actions on the queue ------------------------------------------------------------

FACT_CHECKER_ACTIONS = {"assign_to_me", "start_research", "send_for_review"}
EDITOR_ONLY_ACTIONS = {"assign_to", "accept", "dismiss", "approve", "publish"}


def offered_actions(response) -> set[str]:
    choices = response.context["action_form"].fields["action"].choices
    return {name for name, _label in choices if name}


def test_it_offers_fact_checkers_only_their_actions(client, fact_checker):
    factories.claim()
    client.force_login(fact_checker)

    assert offered_actions(client.get(QUEUE)) == FACT_CHECKER_ACTIONS


def test_it_offers_editors_every_workflow_action(client, editor):
    factories.claim()
    client.force_login(editor)

    assert offered_actions(client.get(QUEUE)) == FACT_CHECKER_ACTIONS | (
        EDITOR_ONLY_ACTIONS
    )


@pytest.mark.parametrize("action", sorted(EDITOR_ONLY_ACTIONS))
def test_it_refuses_editor_actions_posted_by_a_fact_checker(
    client, fact_checker, action
):
    claim = factories.claim(status=Status.SUBMITTED)
    client.force_login(fact_checker)

    run_action(client, action, [claim], note="because")

    claim.refresh_from_db()
    assert claim.status == Status.SUBMITTED
    assert not claim.events.exists()


def test_it_accepts_claims_from_the_queue(client, editor):
    claims = [factories.claim(), factories.claim()]
    client.force_login(editor)

    response = run_action(client, "accept", claims)

    assert "2 claims moved to “Accepted”." in page_messages(response)
    assert set(Claim.objects.values_list("status", flat=True)) == {Status.ACCEPTED}
    assert Event.objects.filter(to_status=Status.ACCEPTED, actor=editor).count() == 2


def test_it_asks_for_the_note_on_a_page_of_its_own_before_dismissing(client, editor):
    claim = factories.claim()
    client.force_login(editor)

    asked = run_action(client, "dismiss", [claim], note="Opinion, in one click")

    assert asked.templates[0].name == "admin/factcheck/claim/confirm_dismissal.html"
    assert claim.text in asked.text
    claim.refresh_from_db()
    assert claim.status == Status.SUBMITTED

    refused = run_action(client, "dismiss", [claim], confirm="yes")

    assert "Say why in the note: the next person reads it." in refused.text
    claim.refresh_from_db()
    assert claim.status == Status.SUBMITTED

    run_action(
        client, "dismiss", [claim], note="Opinion, not a checkable claim", confirm="yes"
    )
    claim.refresh_from_db()
    assert claim.status == Status.DISMISSED
    assert claim.events.get(to_status=Status.DISMISSED).note.startswith("Opinion")


def test_it_reports_each_refused_claim_and_moves_the_rest(client, fact_checker):
    ready = factories.claim(status=Status.IN_RESEARCH)
    factories.ready_draft(ready)
    empty = factories.claim(status=Status.IN_RESEARCH)
    services.ensure_draft(empty)
    client.force_login(fact_checker)

    response = run_action(client, "send_for_review", [ready, empty])

    messages = page_messages(response)
    assert "1 claim moved to “In review”." in messages
    assert any(
        m.startswith(f"Claim {empty.pk} not moved: Before review") for m in messages
    )
    assert Claim.objects.get(pk=ready.pk).status == Status.IN_REVIEW
    assert Claim.objects.get(pk=empty.pk).status == Status.IN_RESEARCH


def test_it_assigns_claims_to_the_fact_checker_who_takes_them(client, fact_checker):
    claim = factories.claim(status=Status.ACCEPTED)
    client.force_login(fact_checker)

    response = run_action(client, "assign_to_me", [claim])

    assert "1 claim assigned to you." in page_messages(response)
    claim.refresh_from_db()
    assert claim.assignee == fact_checker
    assert claim.events.get(kind="assign").actor == fact_checker


# --- The claim page's workflow buttons -----------------------------------------------


def buttons(response) -> set[str]:
    return {b["to"] for b in response.context["transition_buttons"]}


def test_it_shows_a_fact_checker_only_the_buttons_they_may_use(client, fact_checker):
    accepted = factories.claim(status=Status.ACCEPTED)
    in_review = factories.claim(status=Status.IN_REVIEW)
    factories.ready_draft(in_review)
    client.force_login(fact_checker)

    assert buttons(client.get(change_url(accepted))) == {Status.IN_RESEARCH}
    assert buttons(client.get(change_url(in_review))) == set()


def test_it_shows_an_editor_approve_and_send_back_on_a_draft_in_review(client, editor):
    claim = factories.claim(status=Status.IN_REVIEW)
    factories.ready_draft(claim)
    client.force_login(editor)

    response = client.get(change_url(claim))

    assert buttons(response) == {Status.APPROVED, Status.IN_RESEARCH}
    assert 'name="transition" value="approved"' in response.content.decode()


def test_it_refuses_a_button_the_person_may_not_use(client, fact_checker):
    claim = factories.claim(status=Status.IN_REVIEW)
    factories.ready_draft(claim)
    client.force_login(fact_checker)

    response = client.post(
        transition_url(claim),
        {"to": Status.APPROVED, "version": claim.version},
        follow=True,
    )

    assert "You do not have permission to move a claim to “Approved”." in page_messages(
        response
    )
    claim.refresh_from_db()
    assert claim.status == Status.IN_REVIEW


def test_it_refuses_approval_by_an_author_of_the_draft(client, editor):
    claim = factories.claim(status=Status.IN_REVIEW)
    factories.ready_draft(claim, author=editor)
    client.force_login(editor)

    response = client.post(
        transition_url(claim),
        {"to": Status.APPROVED, "version": claim.version},
        follow=True,
    )

    assert any("four eyes" in m for m in page_messages(response))
    claim.refresh_from_db()
    assert claim.status == Status.IN_REVIEW


def test_it_refuses_a_button_pressed_on_a_stale_page(client, editor, second_editor):
    claim = factories.claim()
    loaded_version = claim.version
    services.transition(claim, to=Status.ACCEPTED, actor=second_editor)
    client.force_login(editor)

    response = client.post(
        transition_url(claim),
        {"to": Status.DISMISSED, "note": "duplicate", "version": loaded_version},
        follow=True,
    )

    assert "changed by someone else" in response.text
    assert "duplicate" in response.text  # the note comes back as typed
    claim.refresh_from_db()
    assert claim.status == Status.ACCEPTED


@pytest.mark.parametrize("persona", ["outsider", "staff_without_role"])
def test_it_refuses_workflow_buttons_to_people_without_a_role(client, request, persona):
    claim = factories.claim()
    client.force_login(request.getfixturevalue(persona))

    response = client.post(transition_url(claim), {"to": Status.ACCEPTED})

    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
    claim.refresh_from_db()
    assert claim.status == Status.SUBMITTED


def test_it_answers_a_get_on_the_transition_url_with_405(client, editor):
    claim = factories.claim()
    client.force_login(editor)

    assert client.get(transition_url(claim)).status_code == 405


def test_it_lets_a_fact_checker_take_a_claim_from_its_page(client, fact_checker):
    claim = factories.claim(status=Status.ACCEPTED)
    client.force_login(fact_checker)

    response = client.post(transition_url(claim), {"to": "take"}, follow=True)

    assert "The claim is yours." in page_messages(response)
    claim.refresh_from_db()
    assert claim.assignee == fact_checker


# --- Editing: concurrency, draft authorship, corrections -----------------------------


def test_it_refuses_the_second_of_two_concurrent_edits_and_keeps_the_first(
    client, editor, second_editor
):
    claim = factories.claim(text="النص الأصلي للادعاء")
    client.force_login(editor)
    mine = change_form_data(client.get(change_url(claim)))
    other = django_client_for(second_editor)
    theirs = change_form_data(other.get(change_url(claim)))

    first = other.post(change_url(claim), {**theirs, "text": "نص المحرر الثاني"})
    assert first.status_code == 302
    second = client.post(change_url(claim), {**mine, "text": "نص المحرر الأول"})

    assert second.status_code == 200
    assert (
        "Someone else saved this claim after you opened it" in second.content.decode()
    )
    claim.refresh_from_db()
    assert claim.text == "نص المحرر الثاني"
    assert claim.version == 2


def django_client_for(user):
    from django.test import Client

    other = Client()
    other.force_login(user)
    return other


def test_it_saves_the_draft_from_the_claim_page_and_makes_the_writer_an_author(
    client, fact_checker
):
    claim = factories.claim(status=Status.IN_RESEARCH)
    draft = services.ensure_draft(claim)
    client.force_login(fact_checker)
    data = change_form_data(client.get(change_url(claim)))

    response = client.post(
        change_url(claim),
        {**data, "factcheck-0-headline": "تركيا ليست طرفا في نظام روما"},
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.headline == "تركيا ليست طرفا في نظام روما"
    assert list(draft.authors.all()) == [fact_checker]


def test_it_adds_a_source_from_the_claim_page(client, fact_checker):
    claim = factories.claim(status=Status.IN_RESEARCH)
    services.ensure_draft(claim)
    client.force_login(fact_checker)
    data = change_form_data(client.get(change_url(claim)))

    response = client.post(
        change_url(claim),
        {
            **data,
            "sources-TOTAL_FORMS": "1",
            "sources-0-url": "https://asp.icc-cpi.int/states-parties",
            "sources-0-title": "The States Parties to the Rome Statute",
            "sources-0-kind": "primary",
            "sources-0-stance": "supports",
            "sources-0-claim": claim.pk,
        },
    )

    assert response.status_code == 302
    source = claim.sources.get()
    assert source.added_by == fact_checker


def test_it_refuses_a_javascript_source_link_with_a_form_error(client, fact_checker):
    claim = factories.claim(status=Status.IN_RESEARCH)
    services.ensure_draft(claim)
    client.force_login(fact_checker)
    data = change_form_data(client.get(change_url(claim)))

    response = client.post(
        change_url(claim),
        {
            **data,
            "sources-TOTAL_FORMS": "1",
            "sources-0-url": "javascript:alert(1)",
            "sources-0-title": "x",
            "sources-0-kind": "primary",
            "sources-0-stance": "supports",
            "sources-0-claim": claim.pk,
        },
    )

    assert response.status_code == 200
    assert "Only http:// and https:// links are accepted." in response.content.decode()
    assert not claim.sources.exists()


def published_factcheck(editor, second_editor, fact_checker):
    claim = factories.claim(status=Status.IN_RESEARCH)
    factories.ready_draft(claim)
    services.transition(claim, to=Status.IN_REVIEW, actor=fact_checker)
    services.transition(claim, to=Status.APPROVED, actor=editor)
    services.transition(claim, to=Status.PUBLISHED, actor=second_editor)
    return claim.factcheck


def test_it_requires_a_public_note_to_change_a_published_verdict(
    client, editor, second_editor, fact_checker
):
    factcheck = published_factcheck(editor, second_editor, fact_checker)
    url = reverse("admin:factcheck_factcheck_change", args=[factcheck.pk])
    client.force_login(editor)
    data = change_form_data(client.get(url))

    refused = client.post(url, {**data, "summary": "Mostly true after all."})
    assert refused.status_code == 200
    assert "changes only with a public correction note" in refused.content.decode()
    factcheck.refresh_from_db()
    assert factcheck.summary.startswith("True:")

    accepted = client.post(
        url,
        {
            **data,
            "summary": "True: Turkey signed in 1998? No: it never signed.",
            "correction_kind": "correction",
            "correction_note": "We misdated the ratification list.",
        },
    )
    assert accepted.status_code == 302
    correction = Correction.objects.get(factcheck=factcheck)
    assert correction.note == "We misdated the ratification list."
    assert correction.previous["summary"].startswith("True: Turkey never")


def test_it_does_not_let_a_fact_checker_correct_a_published_fact_check(
    client, editor, second_editor, fact_checker
):
    factcheck = published_factcheck(editor, second_editor, fact_checker)
    url = reverse("admin:factcheck_factcheck_change", args=[factcheck.pk])
    client.force_login(fact_checker)

    response = client.post(
        url,
        {"summary": "changed", "correction_kind": "correction", "correction_note": "x"},
    )

    assert response.status_code == 403
    assert not Correction.objects.exists()
