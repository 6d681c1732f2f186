"""Scheduled publication: an approved fact-check goes out at the time an editor set,
once, through the same transition as the admin's Publish button."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from factcheck import pagecache, services
from factcheck.models import Delivery, Event, FactCheck, Status, Subscriber
from tests import factories

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def scheduled(editor, *, at=None):
    claim = factories.claim_at(Status.APPROVED)
    at = at or timezone.now() + HOUR
    return services.schedule_publication(claim, actor=editor, publish_at=at), at


def test_an_editor_schedules_an_approved_fact_check(editor):
    claim, at = scheduled(editor)

    draft = FactCheck.objects.get(claim=claim)
    assert (draft.publish_at, draft.publish_scheduled_by) == (at, editor)
    assert claim.status == Status.APPROVED
    event = claim.events.first()
    assert (event.actor, event.data) == (editor, {"publish_at": at.isoformat()})


def test_it_publishes_nothing_before_the_time_and_once_after_it(
    editor, django_capture_on_commit_callbacks
):
    claim, at = scheduled(editor)
    Subscriber.objects.create(
        name="Partner", url="https://partner.example/", events=["factcheck.published"]
    )
    generation = pagecache.generation()

    assert services.publish_due(now=at - datetime.timedelta(seconds=1)) == []
    claim.refresh_from_db()
    assert claim.status == Status.APPROVED

    with django_capture_on_commit_callbacks(execute=True):
        assert services.publish_due(now=at) == [claim]
    assert services.publish_due(now=at + HOUR) == []

    claim.refresh_from_db()
    assert claim.status == Status.PUBLISHED
    published = claim.events.filter(to_status=Status.PUBLISHED)
    assert published.count() == 1
    assert published.get().actor == editor  # acting as the editor who scheduled it
    assert published.get().note == "Published at the scheduled time."
    assert FactCheck.objects.published().filter(claim=claim).exists()
    assert Delivery.objects.count() == 1
    assert pagecache.generation() != generation  # readers see it at once


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_schedulers_racing_publish_it_once(editor):
    claim, at = scheduled(editor)
    Subscriber.objects.create(
        name="Partner", url="https://partner.example/", events=["factcheck.published"]
    )
    start = threading.Barrier(2)
    published = []

    def scheduler():
        try:
            start.wait(5)
            published.extend(services.publish_due(now=at))
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert published == [claim]
    assert Event.objects.filter(claim=claim, to_status=Status.PUBLISHED).count() == 1
    assert Delivery.objects.count() == 1


def test_it_refuses_a_time_in_the_past(editor):
    claim = factories.claim_at(Status.APPROVED)
    with pytest.raises(services.GuardFailed, match="future"):
        services.schedule_publication(
            claim, actor=editor, publish_at=timezone.now() - HOUR
        )
    assert FactCheck.objects.get(claim=claim).publish_at is None


@pytest.mark.parametrize("status", [Status.IN_REVIEW, Status.PUBLISHED])
def test_it_schedules_only_an_approved_fact_check(status, editor):
    claim = factories.claim_at(status)
    with pytest.raises(services.GuardFailed, match="approved"):
        services.schedule_publication(
            claim, actor=editor, publish_at=timezone.now() + HOUR
        )


def test_only_those_who_may_publish_schedule(fact_checker, outsider):
    claim = factories.claim_at(Status.APPROVED)
    for person in (fact_checker, outsider):
        with pytest.raises(services.NotAllowed):
            services.schedule_publication(
                claim, actor=person, publish_at=timezone.now() + HOUR
            )


def test_a_stale_copy_cannot_reschedule(editor, second_editor):
    claim = factories.claim_at(Status.APPROVED)
    loaded = claim.version
    services.schedule_publication(claim, actor=editor, publish_at=timezone.now() + HOUR)
    with pytest.raises(services.Conflict):
        services.schedule_publication(
            claim,
            actor=second_editor,
            publish_at=timezone.now() + 2 * HOUR,
            expected_version=loaded,
        )


def test_cancelling_the_schedule_keeps_it_approved_and_unpublished(editor):
    claim, at = scheduled(editor)
    services.schedule_publication(claim, actor=editor, publish_at=None)

    assert services.publish_due(now=at + HOUR) == []
    draft = FactCheck.objects.get(claim=claim)
    assert (draft.publish_at, draft.publish_scheduled_by) == (None, None)


def test_sending_it_back_to_research_cancels_the_schedule(editor, second_editor):
    claim, at = scheduled(editor)
    services.transition(
        claim, to=Status.IN_RESEARCH, actor=second_editor, note="The date is wrong."
    )

    assert services.publish_due(now=at + HOUR) == []
    assert FactCheck.objects.get(claim=claim).publish_at is None


def test_a_schedule_its_editor_may_no_longer_honour_is_cancelled_with_a_note(editor):
    claim, at = scheduled(editor)
    editor.groups.clear()  # left the desk before the time came
    editor = type(editor).objects.get(pk=editor.pk)  # drop the cached permissions

    assert services.publish_due(now=at) == []

    claim.refresh_from_db()
    assert claim.status == Status.APPROVED
    assert FactCheck.objects.get(claim=claim).publish_at is None
    note = claim.events.first().note
    assert note.startswith("Scheduled publication cancelled:")
    # The next run does not try again.
    assert services.publish_due(now=at + HOUR) == []
    assert claim.events.filter(note__startswith="Scheduled").count() == 1
