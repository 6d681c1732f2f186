"""Webhooks: partners are told when the desk publishes, corrects or retracts.

Deliveries run here in the test's process (services.run_delivery, what the task
calls) against a receiver on 127.0.0.1 that checks signatures as a partner would.
"""

import json
import time

import pytest
from django.db import transaction
from werkzeug import Request, Response

from factcheck import services, webhooks
from factcheck.models import (
    CorrectionKind,
    Delivery,
    DeliveryAttempt,
    JobState,
    Status,
    Subscriber,
    WebhookEvent,
)
from factcheck.services import outbox
from tests import factories

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("connections", "loopback_allowed"),
]

ALL_EVENTS = list(WebhookEvent.values)


def subscriber(url: str = "https://partner.example/hook", **fields) -> Subscriber:
    fields.setdefault("name", "Partner")
    fields.setdefault("events", ALL_EVENTS)
    return Subscriber.objects.create(url=url, **fields)


def publish(editor):
    claim = factories.claim_at(Status.APPROVED)
    return services.transition(claim, to=Status.PUBLISHED, actor=editor)


def run(delivery: Delivery, lease: str = "task-1") -> float | None:
    return services.run_delivery(delivery.pk, lease=lease)


class Receiver:
    """A partner's endpoint: records what arrived and whether it verified."""

    def __init__(self, secret: str, answers: list[int] | None = None):
        self.secret = secret
        self.answers = answers or [204]
        self.received: list[dict] = []

    def __call__(self, request: Request) -> Response:
        body = request.get_data()
        self.received.append(
            {
                "payload": json.loads(body),
                "verified": webhooks.verify(
                    self.secret,
                    body=body,
                    timestamp=request.headers.get(webhooks.TIMESTAMP_HEADER, ""),
                    signature_header=request.headers.get(webhooks.SIGNATURE_HEADER, ""),
                ),
                "delivery": request.headers.get(webhooks.DELIVERY_HEADER),
                "event": request.headers.get(webhooks.EVENT_HEADER),
                "content_type": request.headers.get("Content-Type"),
            }
        )
        status = self.answers[min(len(self.received), len(self.answers)) - 1]
        return Response("ok" if status < 400 else "failed", status=status)


def test_publishing_records_one_delivery_per_subscribed_partner(
    editor, django_capture_on_commit_callbacks, enqueued
):
    wants_it = subscriber(name="Wants it")
    subscriber(name="Only corrections", events=[WebhookEvent.CORRECTED])
    subscriber(name="Switched off", is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        claim = publish(editor)

    delivery = Delivery.objects.get()
    assert delivery.subscriber == wants_it
    assert delivery.kind == WebhookEvent.PUBLISHED
    assert delivery.event == claim.events.get(to_status=Status.PUBLISHED)
    assert delivery.payload["factcheck"]["headline"] == claim.factcheck.headline
    assert delivery.payload["factcheck"]["url"].endswith(
        claim.factcheck.get_absolute_url()
    )
    assert enqueued() == [("factcheck.tasks.deliver_webhook", [delivery.pk])]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_publication_rolled_back_leaves_no_delivery_and_sends_nothing(
    editor, enqueued
):
    subscriber()
    claim = factories.claim_at(Status.APPROVED)

    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned), transaction.atomic():
        # transition() is durable; this stands in for whatever else the request
        # wrote around it, so record the delivery the way transition() does.
        event = claim.events.create(
            kind="transition", from_status="approved", to_status="published"
        )
        outbox.notify_partners(WebhookEvent.PUBLISHED, event=event)
        raise Abandoned

    assert not Delivery.objects.exists()
    assert enqueued() == []
    publish(editor)  # the control: committed, it is sent
    assert enqueued() == [
        ("factcheck.tasks.deliver_webhook", [Delivery.objects.get().pk])
    ]


def test_a_correction_and_a_retraction_are_delivered_as_their_own_events(editor):
    subscriber()
    claim = publish(editor)

    services.correct(
        claim.factcheck,
        actor=editor,
        kind=CorrectionKind.CORRECTION,
        note="The date of ratification was wrong.",
    )
    services.transition(
        claim, to=Status.RETRACTED, actor=editor, note="The source was forged."
    )

    deliveries = {d.kind: d.payload for d in Delivery.objects.all()}
    assert set(deliveries) == set(WebhookEvent.values)
    corrected = deliveries[WebhookEvent.CORRECTED]
    assert corrected["correction"] == {
        "kind": "correction",
        "note": "The date of ratification was wrong.",
    }
    retracted = deliveries[WebhookEvent.RETRACTED]
    assert retracted["retraction_note"] == "The source was forged."
    assert retracted["factcheck"]["retracted_at"] is not None


def test_it_posts_signed_json_that_the_partner_can_verify(httpserver, editor):
    partner = subscriber(url=httpserver.url_for("/hook"))
    receiver = Receiver(partner.secret)
    httpserver.expect_request("/hook", method="POST").respond_with_handler(receiver)
    claim = publish(editor)
    delivery = Delivery.objects.get()

    assert run(delivery) is None

    [received] = receiver.received
    assert received["verified"] is True
    assert received["payload"] == delivery.payload
    assert received["payload"]["event"] == "factcheck.published"
    assert received["payload"]["factcheck"]["claim"] == claim.text
    assert received["delivery"] == str(delivery.key)
    assert received["event"] == "factcheck.published"
    assert received["content_type"] == "application/json; charset=utf-8"
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (JobState.DONE, 1)
    assert delivery.delivered_at is not None
    attempt = DeliveryAttempt.objects.get(delivery=delivery)
    assert (attempt.number, attempt.status_code, attempt.error) == (1, 204, "")


def test_a_signature_fails_with_another_secret_a_changed_body_or_an_old_timestamp():
    body = webhooks.body_of({"event": "factcheck.published", "id": 1})
    now = int(time.time())
    headers = webhooks.signed_headers(
        secret="s" * 43, body=body, kind="factcheck.published", key="k", timestamp=now
    )
    signature = headers[webhooks.SIGNATURE_HEADER]

    def verify(secret="s" * 43, body=body, timestamp=str(now), at=now):
        return webhooks.verify(
            secret,
            body=body,
            timestamp=timestamp,
            signature_header=signature,
            now=at,
        )

    assert verify() is True
    assert verify(secret="t" * 43) is False
    assert verify(body=body.replace(b"1", b"2")) is False
    assert verify(timestamp=str(now + 1)) is False
    assert verify(at=now + webhooks.TOLERANCE_SECONDS + 1) is False
    assert verify(timestamp="yesterday") is False


def test_failed_deliveries_retry_with_growing_waits_then_stop(
    httpserver, editor, settings
):
    partner = subscriber(url=httpserver.url_for("/hook"))
    receiver = Receiver(partner.secret, answers=[503])
    httpserver.expect_request("/hook").respond_with_handler(receiver)
    publish(editor)
    delivery = Delivery.objects.get()

    waits = []
    while (wait := run(delivery)) is not None:
        waits.append(wait)
        delivery.refresh_from_db()
        assert delivery.state == JobState.PENDING

    assert len(waits) == services.DELIVERY_MAX_ATTEMPTS - 1
    for attempt, wait in enumerate(waits, start=1):
        ceiling = min(30 * 2 ** (attempt - 1), settings.TASK_RETRY_BACKOFF_MAX)
        assert ceiling / 2 <= wait <= ceiling
    delivery.refresh_from_db()
    assert delivery.state == JobState.FAILED
    assert delivery.error.startswith("HTTP 503")
    assert len(receiver.received) == services.DELIVERY_MAX_ATTEMPTS
    # Every attempt is logged, and every one carried the same delivery id.
    assert list(delivery.attempt_log.values_list("number", "status_code")) == [
        (n, 503) for n in range(1, services.DELIVERY_MAX_ATTEMPTS + 1)
    ]
    assert {r["delivery"] for r in receiver.received} == {str(delivery.key)}


def test_a_delivery_that_fails_then_succeeds_is_delivered_once(httpserver, editor):
    partner = subscriber(url=httpserver.url_for("/hook"))
    receiver = Receiver(partner.secret, answers=[500, 200])
    httpserver.expect_request("/hook").respond_with_handler(receiver)
    publish(editor)
    delivery = Delivery.objects.get()

    assert run(delivery) > 0
    assert run(delivery) is None
    assert run(delivery) is None  # a late duplicate message changes nothing

    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (JobState.DONE, 2)
    assert len(receiver.received) == 2


def test_a_partner_that_refuses_the_delivery_is_not_asked_again(httpserver, editor):
    partner = subscriber(url=httpserver.url_for("/hook"))
    httpserver.expect_request("/hook").respond_with_handler(
        Receiver(partner.secret, answers=[410])
    )
    publish(editor)
    delivery = Delivery.objects.get()

    assert run(delivery) is None

    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (JobState.FAILED, 1)


def test_a_subscriber_url_is_held_to_the_address_rules_of_sources(editor, connections):
    subscriber(url="http://10.0.0.7/hook")
    publish(editor)
    delivery = Delivery.objects.get()

    assert run(delivery) is None

    delivery.refresh_from_db()
    assert delivery.state == JobState.FAILED
    assert delivery.error.startswith("Refused")
    assert connections == []


def test_a_subscriber_switched_off_after_the_event_gets_nothing(httpserver, editor):
    partner = subscriber(url=httpserver.url_for("/hook"))
    publish(editor)
    partner.is_active = False
    partner.save()

    assert run(Delivery.objects.get()) is None

    assert httpserver.log == []
    assert Delivery.objects.get().state == JobState.FAILED


def test_only_administrators_send_a_failed_delivery_again(
    editor, administrator, enqueued, django_capture_on_commit_callbacks
):
    subscriber()
    publish(editor)
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(
        state=JobState.FAILED, attempts=services.DELIVERY_MAX_ATTEMPTS
    )
    enqueued()

    with pytest.raises(services.NotAllowed):
        services.redeliver(delivery, actor=editor)
    with django_capture_on_commit_callbacks(execute=True):
        services.redeliver(delivery, actor=administrator)

    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (JobState.PENDING, 0)
    assert enqueued() == [("factcheck.tasks.deliver_webhook", [delivery.pk])]


def test_the_database_refuses_a_subscriber_without_events_or_with_an_unknown_one():
    from django.db import IntegrityError

    for events in ([], ["factcheck.deleted"]):
        with pytest.raises(IntegrityError), transaction.atomic():
            subscriber(events=events)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "https://10.0.0.1/",
        "http://[::1]/",
        "https://p.example:8443/",
    ],
)
def test_a_subscriber_is_refused_a_non_public_address_by_any_door(url):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        Subscriber(name="Partner", url=url, events=ALL_EVENTS).full_clean()
    assert set(refused.value.message_dict) == {"url"}


@pytest.mark.parametrize("state", [JobState.PENDING, JobState.RUNNING, JobState.DONE])
def test_only_a_failed_delivery_is_sent_again(state, editor, administrator, enqueued):
    subscriber()
    publish(editor)
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(state=state, attempts=3)
    enqueued()

    with pytest.raises(services.GuardFailed, match="only a failed delivery"):
        services.redeliver(delivery, actor=administrator)

    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (state, 3)
    assert enqueued() == []
