"""The editorial workflow: every edge, every refusal, every guard."""

import itertools
import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from factcheck import services
from factcheck.models import (
    TRANSITIONS,
    Appearance,
    Claim,
    Correction,
    CorrectionKind,
    Event,
    EventKind,
    FactCheck,
    Status,
)
from tests import factories

pytestmark = pytest.mark.django_db

S = Status

# The graph as the design document draws it. TRANSITIONS must say exactly this;
# every test below is generated from it.
DESIGNED_EDGES = {
    (S.SUBMITTED, S.ACCEPTED),
    (S.SUBMITTED, S.DISMISSED),
    (S.ACCEPTED, S.IN_RESEARCH),
    (S.ACCEPTED, S.DISMISSED),
    (S.IN_RESEARCH, S.IN_REVIEW),
    (S.IN_REVIEW, S.APPROVED),
    (S.IN_REVIEW, S.IN_RESEARCH),
    (S.APPROVED, S.PUBLISHED),
    (S.APPROVED, S.IN_RESEARCH),
    (S.PUBLISHED, S.RETRACTED),
}
GRAPH_EDGES = sorted(
    (source, target) for source, targets in TRANSITIONS.items() for target in targets
)
NOT_IN_GRAPH = sorted(
    pair
    for pair in itertools.product(Status.values, repeat=2)
    if pair not in set(GRAPH_EDGES)
)
# Fact-checkers research and hand in drafts; everything else is an editor's call.
FACT_CHECKER_EDGES = {(S.ACCEPTED, S.IN_RESEARCH), (S.IN_RESEARCH, S.IN_REVIEW)}
MUST_SAY_WHY = {
    (S.SUBMITTED, S.DISMISSED),
    (S.ACCEPTED, S.DISMISSED),
    (S.IN_REVIEW, S.IN_RESEARCH),
    (S.APPROVED, S.IN_RESEARCH),
    (S.PUBLISHED, S.RETRACTED),
}
NO_ROLE = ["administrator", "outsider", "staff_without_role"]


def _allowed_cases():
    for edge in GRAPH_EDGES:
        yield (*edge, "editor")
        if edge in FACT_CHECKER_EDGES:
            yield (*edge, "fact_checker")


def _refused_cases():
    for edge in GRAPH_EDGES:
        if edge not in FACT_CHECKER_EDGES:
            yield (*edge, "fact_checker")
        for persona in NO_ROLE:
            yield (*edge, persona)


def snapshot(claim: Claim) -> dict:
    """What a person looking at the claim, its draft and its history would see."""
    claim = Claim.objects.get(pk=claim.pk)
    draft = FactCheck.objects.filter(claim=claim).first()
    return {
        "status": claim.status,
        "version": claim.version,
        "events": list(claim.events.values_list("pk", flat=True)),
        "approved_by": draft and draft.approved_by_id,
        "approved_at": draft and draft.approved_at,
        "published_at": draft and draft.published_at,
        "retracted_at": draft and draft.retracted_at,
        "authors": draft and sorted(draft.authors.values_list("pk", flat=True)),
        "corrections": Correction.objects.filter(factcheck__claim=claim).count(),
    }


def test_it_allows_exactly_the_designed_moves():
    assert set(GRAPH_EDGES) == DESIGNED_EDGES
    assert set(TRANSITIONS) == set(Status.values)


@pytest.mark.parametrize(("source", "target", "persona"), list(_allowed_cases()))
def test_it_moves_a_claim_along_every_edge_for_a_role_allowed_to(
    request, source, target, persona
):
    actor = request.getfixturevalue(persona)
    claim = factories.claim_at(source)
    before = snapshot(claim)
    started = timezone.now()

    moved = services.transition(claim, to=target, actor=actor, note="Reason given.")

    assert moved.status == target
    claim.refresh_from_db()
    assert claim.status == target
    assert claim.version == before["version"] + 1
    assert claim.status_changed_at >= started
    event = claim.events.exclude(pk__in=before["events"]).get()
    assert (
        event.kind,
        event.actor,
        event.from_status,
        event.to_status,
        event.note,
    ) == (EventKind.TRANSITION, actor, source, target, "Reason given.")


@pytest.mark.parametrize(("source", "target"), NOT_IN_GRAPH)
def test_it_refuses_every_move_not_in_the_graph_and_changes_nothing(
    editor, source, target
):
    claim = factories.claim_at(source)
    before = snapshot(claim)

    with pytest.raises(services.InvalidTransition) as refused:
        services.transition(claim, to=target, actor=editor, note="Reason given.")

    assert refused.value.message == (
        f"A claim that is “{Status(source).label}” cannot be moved to "
        f"“{Status(target).label}”."
    )
    assert snapshot(claim) == before


@pytest.mark.parametrize(("source", "target", "persona"), list(_refused_cases()))
def test_it_refuses_every_move_to_a_role_without_its_permission(
    request, source, target, persona
):
    actor = request.getfixturevalue(persona)
    claim = factories.claim_at(source)
    before = snapshot(claim)

    with pytest.raises(services.NotAllowed) as refused:
        services.transition(claim, to=target, actor=actor, note="Reason given.")

    assert refused.value.message == (
        f"You do not have permission to move a claim to “{Status(target).label}”."
    )
    assert snapshot(claim) == before


def test_it_offers_each_role_only_the_moves_it_may_make(
    fact_checker, editor, administrator
):
    accepted = factories.claim_at(S.ACCEPTED)
    in_review = factories.claim_at(S.IN_REVIEW)

    assert services.allowed_transitions(accepted, fact_checker) == [S.IN_RESEARCH]
    assert services.allowed_transitions(in_review, fact_checker) == []
    assert sorted(services.allowed_transitions(in_review, editor)) == sorted(
        [S.APPROVED, S.IN_RESEARCH]
    )
    assert services.allowed_transitions(accepted, administrator) == []


@pytest.mark.parametrize("note", ["", "   "])
@pytest.mark.parametrize(("source", "target"), sorted(MUST_SAY_WHY))
def test_it_requires_a_note_to_dismiss_send_back_or_retract(
    editor, source, target, note
):
    claim = factories.claim_at(source)
    before = snapshot(claim)

    with pytest.raises(services.GuardFailed) as refused:
        services.transition(claim, to=target, actor=editor, note=note)

    assert refused.value.message == "Say why in the note: the next person reads it."
    assert snapshot(claim) == before


def test_it_needs_no_note_to_accept(editor):
    claim = factories.claim_at(S.SUBMITTED)

    services.transition(claim, to=S.ACCEPTED, actor=editor)

    assert claim.status == S.ACCEPTED
    assert claim.events.get().note == ""


REVIEW_NEEDS = {
    "headline": "a headline",
    "rating": "a rating",
    "summary": "a summary",
    "source": "at least one source",
}


@pytest.mark.parametrize("missing", sorted(REVIEW_NEEDS))
def test_it_names_what_the_draft_lacks_before_review(fact_checker, missing):
    claim = factories.claim_at(S.IN_RESEARCH)
    blank = {"headline": {"headline": "  "}, "rating": {"rating": None}}
    blank["summary"] = {"summary": ""}
    FactCheck.objects.filter(claim=claim).update(**blank.get(missing, {}))
    if missing == "source":
        claim.sources.all().delete()
    before = snapshot(claim)

    with pytest.raises(services.GuardFailed) as refused:
        services.transition(claim, to=S.IN_REVIEW, actor=fact_checker)

    assert refused.value.message == (
        f"Before review the draft needs {REVIEW_NEEDS[missing]}."
    )
    assert snapshot(claim) == before


def test_it_names_everything_missing_when_there_is_no_draft(fact_checker):
    claim = factories.claim(S.IN_RESEARCH)

    with pytest.raises(services.GuardFailed) as refused:
        services.transition(claim, to=S.IN_REVIEW, actor=fact_checker)

    assert refused.value.message == (
        "Before review the draft needs a headline, a rating, a summary, "
        "at least one source."
    )
    claim.refresh_from_db()
    assert claim.status == S.IN_RESEARCH
    assert not claim.events.exists()


def _author_by_sending_to_review(claim, editor, fact_checker):
    services.transition(claim, to=S.IN_REVIEW, actor=editor)


def _author_by_editing_in_research(claim, editor, fact_checker):
    draft = claim.factcheck
    services.save_draft(
        draft,
        actor=editor,
        expected_version=draft.version,
        changes={"summary": "Edited by the editor in research."},
    )
    services.transition(claim, to=S.IN_REVIEW, actor=fact_checker)


def _author_by_editing_in_review(claim, editor, fact_checker):
    services.transition(claim, to=S.IN_REVIEW, actor=fact_checker)
    draft = FactCheck.objects.get(claim=claim)
    services.save_draft(
        draft,
        actor=editor,
        expected_version=draft.version,
        changes={"body": "Rewritten by the editor during review."},
    )


@pytest.mark.parametrize(
    "become_author",
    [
        _author_by_sending_to_review,
        _author_by_editing_in_research,
        _author_by_editing_in_review,
    ],
)
def test_it_refuses_approval_by_an_author_and_lets_another_editor_approve(
    editor, second_editor, fact_checker, become_author
):
    claim = factories.claim_at(S.IN_RESEARCH)
    become_author(claim, editor, fact_checker)
    claim.refresh_from_db()
    before = snapshot(claim)

    with pytest.raises(services.GuardFailed) as refused:
        services.transition(claim, to=S.APPROVED, actor=editor)

    assert refused.value.message == (
        "You are an author of this draft; another editor must approve it (four eyes)."
    )
    assert snapshot(claim) == before

    services.transition(claim, to=S.APPROVED, actor=second_editor)

    draft = FactCheck.objects.get(claim=claim)
    assert claim.status == S.APPROVED
    assert draft.approved_by == second_editor
    assert draft.approved_at is not None


def test_it_counts_whoever_sends_to_review_as_an_author(fact_checker):
    claim = factories.claim_at(S.IN_RESEARCH)

    services.transition(claim, to=S.IN_REVIEW, actor=fact_checker)

    assert list(claim.factcheck.authors.all()) == [fact_checker]


def test_it_refuses_to_publish_without_a_claimant_or_an_appearance(editor):
    claim = factories.claim_at(S.APPROVED, claimant=None)
    before = snapshot(claim)

    with pytest.raises(services.GuardFailed) as refused:
        services.transition(claim, to=S.PUBLISHED, actor=editor)

    assert refused.value.message == (
        "Say who made the claim or where it appeared before publishing it."
    )
    assert snapshot(claim) == before


def test_it_publishes_a_claim_known_only_by_where_it_appeared(editor):
    claim = factories.claim_at(S.APPROVED, claimant=None)
    # Added during research, before the approval froze it.
    Appearance.objects.create(claim=claim, article=factories.article(), is_first=True)

    services.transition(claim, to=S.PUBLISHED, actor=editor)

    assert claim.status == S.PUBLISHED
    assert claim.factcheck.published_at is not None


def test_it_sets_the_publication_date_once_and_keeps_it_through_retraction(
    editor,
):
    claim = factories.claim_at(S.APPROVED)
    assert claim.factcheck.published_at is None
    started = timezone.now()

    services.transition(claim, to=S.PUBLISHED, actor=editor)

    published_at = FactCheck.objects.get(claim=claim).published_at
    assert started <= published_at <= timezone.now()
    services.correct(
        claim.factcheck,
        actor=editor,
        kind=CorrectionKind.UPDATE,
        note="Added the ICC's 2024 list of States Parties.",
        body="Updated body.",
    )
    assert FactCheck.objects.get(claim=claim).published_at == published_at

    services.transition(
        claim, to=S.RETRACTED, actor=editor, note="The claim was misattributed."
    )

    draft = FactCheck.objects.get(claim=claim)
    assert draft.published_at == published_at
    assert draft.retracted_at is not None
    assert draft.retracted_at >= published_at


def test_it_writes_a_public_retraction_note(editor):
    claim = factories.claim_at(S.PUBLISHED)
    note = "We attributed the claim to the wrong minister; it is withdrawn."

    services.transition(claim, to=S.RETRACTED, actor=editor, note=note)

    retraction = Correction.objects.public().get(factcheck__claim=claim)
    assert retraction.kind == CorrectionKind.RETRACTION
    assert retraction.note == note
    assert retraction.created_by == editor
    assert claim.events.get(to_status=S.RETRACTED).note == note


@pytest.mark.parametrize("source", [S.IN_REVIEW, S.APPROVED])
def test_it_clears_the_approval_when_a_draft_is_sent_back(
    editor, second_editor, source
):
    claim = factories.claim_at(source, approver=second_editor)
    FactCheck.objects.filter(claim=claim).update(
        approved_by=second_editor, approved_at=timezone.now() - timedelta(hours=1)
    )

    services.transition(
        claim, to=S.IN_RESEARCH, actor=editor, note="The rating needs a source."
    )

    draft = FactCheck.objects.get(claim=claim)
    assert claim.status == S.IN_RESEARCH
    assert draft.approved_by is None
    assert draft.approved_at is None


def test_it_needs_a_fresh_approval_after_a_send_back(
    fact_checker, editor, second_editor
):
    claim = factories.claim_at(S.APPROVED, author=fact_checker, approver=editor)
    services.transition(claim, to=S.IN_RESEARCH, actor=editor, note="Add a source.")
    services.transition(claim, to=S.IN_REVIEW, actor=fact_checker)

    services.transition(claim, to=S.APPROVED, actor=second_editor)

    draft = FactCheck.objects.get(claim=claim)
    assert draft.approved_by == second_editor


def test_it_reports_each_refused_claim_in_a_bulk_move(editor):
    first = factories.claim_at(S.SUBMITTED)
    second = factories.claim_at(S.SUBMITTED)
    dismissed = factories.claim_at(S.DISMISSED)

    done, refused = services.transition_many(
        [first, dismissed, second], to=S.ACCEPTED, actor=editor
    )

    assert [c.pk for c in done] == [first.pk, second.pk]
    assert [(r.claim.pk, r.reason) for r in refused] == [
        (dismissed.pk, "A claim that is “Dismissed” cannot be moved to “Accepted”.")
    ]
    assert list(
        Claim.objects.filter(pk__in=[first.pk, second.pk, dismissed.pk])
        .order_by("pk")
        .values_list("status", flat=True)
    ) == [S.ACCEPTED, S.ACCEPTED, S.DISMISSED]
    assert not dismissed.events.exists()


def test_it_reports_guard_and_permission_refusals_in_a_bulk_move(fact_checker, editor):
    ready = factories.claim_at(S.IN_RESEARCH)
    no_source = factories.claim_at(S.IN_RESEARCH)
    no_source.sources.all().delete()

    done, refused = services.transition_many(
        [ready, no_source], to=S.IN_REVIEW, actor=fact_checker
    )
    assert [c.pk for c in done] == [ready.pk]
    assert [(r.claim.pk, r.reason) for r in refused] == [
        (no_source.pk, "Before review the draft needs at least one source.")
    ]

    done, refused = services.transition_many([ready], to=S.APPROVED, actor=fact_checker)
    assert done == []
    assert [r.reason for r in refused] == [
        "You do not have permission to move a claim to “Approved”."
    ]
    ready.refresh_from_db()
    assert ready.status == S.IN_REVIEW


def test_it_runs_side_effects_only_after_commit(
    editor, django_capture_on_commit_callbacks, caplog
):
    claim = factories.claim_at(S.SUBMITTED)
    caplog.set_level(logging.INFO, logger="factcheck.services")

    with django_capture_on_commit_callbacks() as callbacks:
        services.transition(claim, to=S.ACCEPTED, actor=editor)
        assert caplog.messages == []

    assert callbacks
    assert caplog.messages == []
    for callback in callbacks:
        callback()
    assert caplog.messages == [f"claim {claim.pk}: submitted -> accepted by layla"]


def test_it_leaves_no_event_and_no_side_effect_when_a_move_fails(
    editor, django_capture_on_commit_callbacks, caplog
):
    claim = factories.claim_at(S.IN_RESEARCH)
    claim.sources.all().delete()
    caplog.set_level(logging.INFO, logger="factcheck.services")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(services.GuardFailed),
    ):
        services.transition(claim, to=S.IN_REVIEW, actor=editor)

    assert callbacks == []
    assert caplog.messages == []
    assert not Event.objects.filter(claim=claim).exists()
    claim.refresh_from_db()
    assert (claim.status, claim.version) == (S.IN_RESEARCH, 1)
