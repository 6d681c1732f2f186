"""After publication the verdict changes only with a public correction."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from factcheck import services
from factcheck.models import (
    Correction,
    CorrectionKind,
    Event,
    EventKind,
    FactCheck,
    Status,
)
from tests import factories

# The trigger tests need real transactions: the database tells a licensed verdict
# change by a Correction written in the same transaction. Serialized rollback
# restores the roles (a data migration) that flushing the database removes.
real_transactions = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NEEDS_CORRECTION = "changes only with a public correction"


def published_factcheck(**fields) -> FactCheck:
    claim = factories.claim_at(Status.PUBLISHED, **fields)
    return FactCheck.objects.get(claim=claim)


def record(factcheck: FactCheck) -> dict:
    """The published record as a reader (and the audit trail) would see it."""
    current = FactCheck.objects.get(pk=factcheck.pk)
    return {
        "rating": current.rating_id,
        "summary": current.summary,
        "body": current.body,
        "headline": current.headline,
        "published_at": current.published_at,
        "version": current.version,
        "corrections": list(current.corrections.values_list("pk", flat=True)),
        "events": list(
            Event.objects.filter(claim=current.claim_id).values_list("pk", flat=True)
        ),
    }


def new_values() -> dict:
    return {
        "rating": factories.rating(1),
        "summary": "False: Turkey signed the Rome Statute in 2024.",
        "body": "A corrected body.",
    }


def new_text(field: str):
    if field == "headline":
        return "Turkey is a party to the Rome Statute"
    return new_values()[field]


@pytest.mark.parametrize("status", [Status.PUBLISHED, Status.RETRACTED])
@pytest.mark.parametrize("field", ["headline", "rating", "summary", "body"])
@pytest.mark.django_db
def test_it_refuses_to_edit_a_published_verdict_as_a_draft(editor, field, status):
    factcheck = FactCheck.objects.get(claim=factories.claim_at(status))
    before = record(factcheck)

    with pytest.raises(services.GuardFailed) as refused:
        services.save_draft(
            factcheck,
            actor=editor,
            expected_version=factcheck.version,
            changes={field: new_text(field)},
        )

    assert refused.value.message == (
        "A published fact-check changes only with a public correction."
    )
    assert record(factcheck) == before


@pytest.mark.django_db
def test_it_corrects_the_verdict_and_keeps_what_it_said_before(editor):
    factcheck = published_factcheck()
    old = record(factcheck)
    values = new_values()
    note = "We had the ratification date wrong; the rating changes to False."

    correction = services.correct(
        factcheck, actor=editor, kind=CorrectionKind.CORRECTION, note=note, **values
    )

    now = record(factcheck)
    assert now["rating"] == values["rating"].pk
    assert now["summary"] == values["summary"]
    assert now["body"] == values["body"]
    assert now["published_at"] == old["published_at"]
    assert now["version"] == old["version"] + 1
    assert correction.previous == {
        "rating": old["rating"],
        "summary": old["summary"],
        "body": old["body"],
    }
    assert (correction.kind, correction.note, correction.created_by) == (
        CorrectionKind.CORRECTION,
        note,
        editor,
    )
    assert list(Correction.objects.public()) == [correction]
    event = Event.objects.exclude(pk__in=old["events"]).get(claim=factcheck.claim_id)
    assert (event.kind, event.actor, event.note) == (EventKind.CORRECTION, editor, note)
    assert event.data == {
        "kind": "correction",
        "fields": ["body", "rating", "summary"],
        "previous": correction.previous,
    }


@pytest.mark.django_db
def test_it_records_only_the_fields_a_correction_changed(editor):
    factcheck = published_factcheck()
    old_summary = factcheck.summary

    correction = services.correct(
        factcheck,
        actor=editor,
        kind=CorrectionKind.CLARIFICATION,
        note="Clarified which treaty is meant.",
        summary="True: Turkey never ratified the ICC's Rome Statute.",
        body=factcheck.body,
    )

    assert correction.previous == {"summary": old_summary}


@pytest.mark.django_db
def test_it_refuses_a_correction_from_a_fact_checker(fact_checker):
    factcheck = published_factcheck()
    before = record(factcheck)

    with pytest.raises(services.NotAllowed) as refused:
        services.correct(
            factcheck,
            actor=fact_checker,
            kind=CorrectionKind.CORRECTION,
            note="Fixing the summary.",
            summary="Changed.",
        )

    assert refused.value.message == "Only editors issue corrections."
    assert record(factcheck) == before


@pytest.mark.parametrize("note", ["", "   "])
@pytest.mark.django_db
def test_it_refuses_a_correction_without_a_public_note(editor, note):
    factcheck = published_factcheck()
    before = record(factcheck)

    with pytest.raises(services.GuardFailed) as refused:
        services.correct(
            factcheck,
            actor=editor,
            kind=CorrectionKind.CORRECTION,
            note=note,
            summary="Changed.",
        )

    assert refused.value.message == (
        "A correction needs a public note saying what changed."
    )
    assert record(factcheck) == before


@pytest.mark.parametrize("status", [Status.APPROVED, Status.RETRACTED])
@pytest.mark.django_db
def test_it_corrects_only_a_published_fact_check(editor, status):
    factcheck = FactCheck.objects.get(claim=factories.claim_at(status))
    before = record(factcheck)

    with pytest.raises(services.GuardFailed) as refused:
        services.correct(
            factcheck,
            actor=editor,
            kind=CorrectionKind.UPDATE,
            note="An update.",
            body="Changed.",
        )

    assert refused.value.message == "Only a published fact-check can be corrected."
    assert record(factcheck) == before


@pytest.mark.django_db
def test_it_sends_retractions_through_the_workflow(editor):
    factcheck = published_factcheck()
    before = record(factcheck)

    with pytest.raises(services.GuardFailed) as refused:
        services.correct(
            factcheck, actor=editor, kind=CorrectionKind.RETRACTION, note="Withdrawn."
        )

    assert refused.value.message == (
        "Retractions go through the workflow, not a correction."
    )
    assert record(factcheck) == before


@pytest.mark.django_db
def test_it_refuses_to_correct_fields_outside_the_verdict(editor):
    factcheck = published_factcheck()
    before = record(factcheck)

    with pytest.raises(services.NotAllowed) as refused:
        services.correct(
            factcheck,
            actor=editor,
            kind=CorrectionKind.CORRECTION,
            note="Backdating.",
            published_at=timezone.now(),
        )

    assert refused.value.message == "These fields cannot be corrected: published_at."
    assert record(factcheck) == before


# --- The database guards (migration 0002) -----------------------------------------


@real_transactions
def test_it_corrects_a_published_verdict_in_a_real_transaction(editor):
    factcheck = published_factcheck()

    services.correct(
        factcheck,
        actor=editor,
        kind=CorrectionKind.CORRECTION,
        note="The summary misnamed the court.",
        summary="True: Turkey never ratified the Rome Statute of the ICC.",
    )

    assert FactCheck.objects.get(pk=factcheck.pk).summary == (
        "True: Turkey never ratified the Rome Statute of the ICC."
    )


@real_transactions
@pytest.mark.parametrize("field", ["headline", "rating", "summary", "body"])
def test_it_refuses_a_direct_change_of_a_published_verdict(field):
    factcheck = published_factcheck()
    before = record(factcheck)

    with pytest.raises(IntegrityError, match=NEEDS_CORRECTION):
        FactCheck.objects.filter(pk=factcheck.pk).update(**{field: new_text(field)})

    assert record(factcheck) == before


@real_transactions
@pytest.mark.parametrize("field", ["rating", "summary", "body"])
def test_it_accepts_a_direct_change_written_with_its_correction(editor, field):
    factcheck = published_factcheck()
    value = new_values()[field]

    with transaction.atomic():
        Correction.objects.create(
            factcheck=factcheck,
            kind=CorrectionKind.CORRECTION,
            note="Corrected.",
            created_by=editor,
        )
        FactCheck.objects.filter(pk=factcheck.pk).update(**{field: value})

    changed = FactCheck.objects.get(pk=factcheck.pk)
    assert getattr(changed, field) == value


@real_transactions
def test_it_refuses_a_change_licensed_by_an_earlier_correction(editor):
    factcheck = published_factcheck()
    Correction.objects.create(
        factcheck=factcheck,
        kind=CorrectionKind.CORRECTION,
        note="An earlier correction.",
        created_by=editor,
    )
    before = record(factcheck)

    with pytest.raises(IntegrityError, match=NEEDS_CORRECTION):
        FactCheck.objects.filter(pk=factcheck.pk).update(summary="Quietly changed.")

    assert record(factcheck) == before


@real_transactions
def test_it_refuses_to_delete_a_published_fact_check():
    factcheck = published_factcheck()
    before = record(factcheck)

    with pytest.raises(IntegrityError, match="never deleted; retract it"):
        FactCheck.objects.filter(pk=factcheck.pk).delete()

    assert record(factcheck) == before


@real_transactions
def test_it_deletes_an_unpublished_draft():
    claim = factories.claim_at(Status.IN_RESEARCH)

    FactCheck.objects.filter(claim=claim).delete()

    assert not FactCheck.objects.filter(claim=claim).exists()


@real_transactions
def test_it_refuses_to_move_the_publication_date():
    factcheck = published_factcheck()
    before = record(factcheck)

    with pytest.raises(IntegrityError, match="first publication date"):
        FactCheck.objects.filter(pk=factcheck.pk).update(published_at=timezone.now())

    assert record(factcheck) == before


@real_transactions
def test_it_refuses_to_edit_or_delete_a_correction(editor):
    factcheck = published_factcheck()
    correction = services.correct(
        factcheck,
        actor=editor,
        kind=CorrectionKind.UPDATE,
        note="Added the 2024 list.",
        body="Updated body.",
    )
    stored = Correction.objects.filter(pk=correction.pk)
    before = list(stored.values())

    with pytest.raises(IntegrityError, match="never edited or deleted"):
        stored.update(note="Rewritten history.")
    with pytest.raises(IntegrityError, match="never edited or deleted"):
        stored.delete()

    assert list(stored.values()) == before
