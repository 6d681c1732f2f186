"""Two people, one claim: the second write on a stale copy is a conflict, not a loss."""

import threading
from collections import Counter

import pytest
from django.db import connection

from factcheck import services
from factcheck.models import Claim, CorrectionKind, Event, FactCheck, Status
from tests import factories

RELOAD = "Reload it to see their changes, then apply yours again."


def two_copies(claim: Claim) -> tuple[Claim, Claim]:
    """The same claim as two people's browsers loaded it."""
    return Claim.objects.get(pk=claim.pk), Claim.objects.get(pk=claim.pk)


@pytest.mark.django_db
def test_it_refuses_a_stale_claim_edit_and_keeps_the_first(fact_checker, editor):
    claim = factories.claim_at(Status.ACCEPTED)
    hers, his = two_copies(claim)
    loaded = hers.version

    services.update_claim(
        hers,
        actor=fact_checker,
        expected_version=loaded,
        changes={"text": "Turkey is not a party to the Rome Statute."},
    )
    with pytest.raises(services.Conflict) as conflict:
        services.update_claim(
            his,
            actor=editor,
            expected_version=loaded,
            changes={"text": "Turkey signed the Rome Statute."},
        )

    assert RELOAD in conflict.value.message
    claim.refresh_from_db()
    assert claim.text == "Turkey is not a party to the Rome Statute."
    assert claim.version == loaded + 1
    assert claim.events.count() == 1


@pytest.mark.django_db
def test_it_refuses_a_stale_draft_edit_and_keeps_the_first(fact_checker, editor):
    claim = factories.claim_at(Status.IN_RESEARCH)
    hers = FactCheck.objects.get(claim=claim)
    his = FactCheck.objects.get(claim=claim)
    loaded = hers.version

    services.save_draft(
        hers,
        actor=fact_checker,
        expected_version=loaded,
        changes={"summary": "True: Turkey never ratified it."},
    )
    with pytest.raises(services.Conflict) as conflict:
        services.save_draft(
            his,
            actor=editor,
            expected_version=loaded,
            changes={"summary": "Half true."},
        )

    assert RELOAD in conflict.value.message
    draft = FactCheck.objects.get(claim=claim)
    assert draft.summary == "True: Turkey never ratified it."
    assert draft.version == loaded + 1
    assert list(draft.authors.all()) == [fact_checker]


@pytest.mark.django_db
def test_it_refuses_a_stale_transition_and_keeps_the_first(editor, second_editor):
    claim = factories.claim_at(Status.SUBMITTED)
    hers, his = two_copies(claim)
    loaded = hers.version

    services.transition(hers, to=Status.ACCEPTED, actor=editor, expected_version=loaded)
    with pytest.raises(services.Conflict) as conflict:
        services.transition(
            his,
            to=Status.DISMISSED,
            actor=second_editor,
            note="Not checkable.",
            expected_version=loaded,
        )

    assert conflict.value.message == (
        "This claim was changed by someone else while you were working on it "
        "(it is now “Accepted”). " + RELOAD
    )
    claim.refresh_from_db()
    assert (claim.status, claim.version) == (Status.ACCEPTED, loaded + 1)
    assert list(claim.events.values_list("actor", "to_status")) == [
        (editor.pk, Status.ACCEPTED)
    ]


@pytest.mark.django_db
def test_it_refuses_a_transition_on_a_copy_loaded_before_an_edit(fact_checker, editor):
    claim = factories.claim_at(Status.SUBMITTED)
    hers, his = two_copies(claim)

    services.update_claim(
        hers,
        actor=fact_checker,
        expected_version=hers.version,
        changes={"text": "Turkey never joined the ICC."},
    )
    with pytest.raises(services.Conflict):
        # No expected_version: the copy's own version is the one checked.
        services.transition(his, to=Status.ACCEPTED, actor=editor)

    claim.refresh_from_db()
    assert claim.status == Status.SUBMITTED
    assert claim.text == "Turkey never joined the ICC."


@pytest.mark.django_db
def test_it_refuses_a_stale_correction(editor, second_editor):
    factcheck = FactCheck.objects.get(claim=factories.claim_at(Status.PUBLISHED))
    hers = FactCheck.objects.get(pk=factcheck.pk)
    his = FactCheck.objects.get(pk=factcheck.pk)

    services.correct(
        hers,
        actor=editor,
        kind=CorrectionKind.CORRECTION,
        note="Court misnamed.",
        summary="First correction.",
    )
    with pytest.raises(services.Conflict) as conflict:
        services.correct(
            his,
            actor=second_editor,
            kind=CorrectionKind.CORRECTION,
            note="Also fixing it.",
            summary="Second correction.",
        )

    assert "reload it and try again" in conflict.value.message
    factcheck.refresh_from_db()
    assert factcheck.summary == "First correction."
    assert factcheck.corrections.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_publishes_once_when_two_editors_publish_at_the_same_moment(
    editor, second_editor
):
    claim = factories.claim_at(Status.APPROVED)
    both_loaded = threading.Barrier(2, timeout=10)
    outcomes = {}

    def publish(actor):
        try:
            mine = Claim.objects.get(pk=claim.pk)
            both_loaded.wait()
            services.transition(mine, to=Status.PUBLISHED, actor=actor)
            outcomes[actor.username] = "published"
        except Exception as exc:
            outcomes[actor.username] = type(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=publish, args=(actor,))
        for actor in (editor, second_editor)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert Counter(outcomes.values()) == Counter(["published", services.Conflict])
    claim.refresh_from_db()
    assert claim.status == Status.PUBLISHED
    assert Event.objects.filter(claim=claim, to_status=Status.PUBLISHED).count() == 1
    assert FactCheck.objects.get(claim=claim).published_at is not None
