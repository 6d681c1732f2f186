"""Notifications: assigned to me, sent for my review, sent back to me, approved,
published. A list in the admin, and one e-mail each, sent after commit."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from factcheck import services
from factcheck.models import JobState, Notification, NotificationKind, Status
from tests import factories

pytestmark = pytest.mark.django_db

INBOX = reverse("admin:factcheck_notification_changelist")


def kinds_for(user) -> list[str]:
    return sorted(
        Notification.objects.filter(recipient=user).values_list("kind", flat=True)
    )


@pytest.fixture
def people(editor, second_editor, fact_checker, second_fact_checker):
    for person in (editor, second_editor, fact_checker, second_fact_checker):
        person.email = f"{person.username}@desk.example"
        person.save()
    return editor, second_editor, fact_checker, second_fact_checker


def test_assigning_a_claim_tells_the_assignee_after_commit(
    people, enqueued, django_capture_on_commit_callbacks
):
    editor, _second_editor, fact_checker, _ = people
    claim = factories.claim()

    with django_capture_on_commit_callbacks(execute=True):
        services.assign(claim, actor=editor, assignee=fact_checker)

    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind) == (
        fact_checker,
        NotificationKind.ASSIGNED,
    )
    assert enqueued() == [("factcheck.tasks.email_notification", [notification.pk])]


def test_taking_a_claim_yourself_tells_nobody(people):
    _editor, _second, fact_checker, _ = people

    services.assign(factories.claim(), actor=fact_checker, assignee=fact_checker)

    assert not Notification.objects.exists()


def test_a_draft_sent_for_review_tells_every_editor_who_did_not_write_it(people):
    editor, second_editor, fact_checker, second_fact_checker = people
    claim = factories.claim_at(Status.IN_RESEARCH, author=editor)

    services.transition(claim, to=Status.IN_REVIEW, actor=fact_checker)

    assert kinds_for(second_editor) == [NotificationKind.REVIEW]
    assert kinds_for(editor) == []  # an author: may not approve it
    assert kinds_for(fact_checker) == []  # who sent it
    assert kinds_for(second_fact_checker) == []  # may not approve


def test_sent_back_approved_and_published_tell_the_authors_and_assignee(people):
    editor, second_editor, fact_checker, second_fact_checker = people
    claim = factories.claim_at(
        Status.IN_REVIEW, author=fact_checker, assignee=second_fact_checker
    )

    services.transition(claim, to=Status.IN_RESEARCH, actor=editor, note="Dates?")
    services.transition(claim, to=Status.IN_REVIEW, actor=fact_checker)
    services.transition(claim, to=Status.APPROVED, actor=editor)
    services.transition(claim, to=Status.PUBLISHED, actor=second_editor)

    moves = [
        NotificationKind.APPROVED,
        NotificationKind.PUBLISHED,
        NotificationKind.SENT_BACK,
    ]
    assert kinds_for(fact_checker) == moves
    assert kinds_for(second_fact_checker) == moves
    # The second editor heard of the review; the editor, who acted, of nothing
    # but the second send for review (the first was before this test's moves).
    assert kinds_for(second_editor) == [NotificationKind.REVIEW]
    assert kinds_for(editor) == [NotificationKind.REVIEW]


def test_a_refused_move_tells_nobody(people):
    editor, *_others = people
    claim = factories.claim_at(Status.IN_REVIEW, author=editor)

    with pytest.raises(services.GuardFailed):
        services.transition(claim, to=Status.APPROVED, actor=editor)

    assert not Notification.objects.exists()


def test_the_email_is_sent_once_however_often_its_message_arrives(people):
    editor, _second, fact_checker, _ = people
    claim = factories.claim(text="تركيا ليست طرفا في نظام روما الأساسي")
    services.assign(claim, actor=editor, assignee=fact_checker)
    notification = Notification.objects.get()

    assert services.run_notification_email(notification.pk, lease="task-1") is None
    # The same message redelivered, and a second copy from the sweeper.
    services.run_notification_email(notification.pk, lease="task-1")
    services.run_notification_email(notification.pk, lease="task-2")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["fatima@desk.example"]
    assert f"Claim {claim.pk}: Assigned to you" in message.subject
    assert "تركيا ليست طرفا" in message.body
    assert f"/admin/factcheck/claim/{claim.pk}/change/" in message.body
    notification.refresh_from_db()
    assert notification.state == JobState.DONE
    assert notification.emailed_at is not None


def test_a_colleague_without_an_address_gets_the_notice_but_no_email(people):
    editor, _second, fact_checker, _ = people
    fact_checker.email = ""
    fact_checker.save()
    services.assign(factories.claim(), actor=editor, assignee=fact_checker)
    notification = Notification.objects.get()

    services.run_notification_email(notification.pk, lease="task-1")

    assert mail.outbox == []
    notification.refresh_from_db()
    assert (notification.state, notification.emailed_at) == (JobState.DONE, None)
    assert "No e-mail address" in notification.error


def test_a_mail_server_that_refuses_is_tried_again_later(people, settings):
    editor, _second, fact_checker, _ = people
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens
    settings.EMAIL_USE_TLS = False
    services.assign(factories.claim(), actor=editor, assignee=fact_checker)
    notification = Notification.objects.get()

    retry_in = services.run_notification_email(notification.pk, lease="task-1")

    assert retry_in is not None and retry_in > 0
    notification.refresh_from_db()
    assert notification.state == JobState.PENDING
    assert notification.emailed_at is None
    assert notification.error


def test_the_sweeper_sends_a_notice_whose_message_was_lost(people, enqueued):
    editor, _second, fact_checker, _ = people
    services.assign(factories.claim(), actor=editor, assignee=fact_checker)
    notification = Notification.objects.get()

    later = timezone.now() + datetime.timedelta(minutes=5)
    assert services.sweep(now=later) == 1
    assert enqueued() == [("factcheck.tasks.email_notification", [notification.pk])]


def test_the_admin_lists_my_notifications_with_the_unread_count(client, people):
    editor, second_editor, fact_checker, _ = people
    mine = factories.claim(text="ادعاء مسند إلى فاطمة")
    services.assign(mine, actor=editor, assignee=fact_checker)
    not_mine = factories.claim(text="ادعاء مسند إلى كريم")
    services.assign(not_mine, actor=editor, assignee=second_editor)
    client.force_login(fact_checker)

    page = client.get(INBOX).content.decode()

    assert "Notifications: 1 unread" in page
    assert "ادعاء مسند إلى فاطمة" in page
    assert "ادعاء مسند إلى كريم" not in page
    index = client.get(reverse("admin:index")).content.decode()
    assert f'<a href="{INBOX}?unread=yes">Unread notifications</a>' in index


def test_marking_read_touches_only_my_own(client, people):
    editor, second_editor, fact_checker, _ = people
    services.assign(factories.claim(), actor=editor, assignee=fact_checker)
    services.assign(factories.claim(), actor=editor, assignee=second_editor)
    mine = Notification.objects.get(recipient=fact_checker)
    theirs = Notification.objects.get(recipient=second_editor)
    client.force_login(fact_checker)

    response = client.post(
        INBOX,
        {"action": "mark_read", "_selected_action": [mine.pk, theirs.pk]},
        follow=True,
    )

    assert "1 marked as read." in response.content.decode()
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None
    assert theirs.read_at is None
    assert "Notifications: 0 unread" in client.get(INBOX).content.decode()


def test_the_list_costs_the_same_queries_for_one_or_many(
    client, people, django_assert_num_queries
):
    editor, _second, fact_checker, _ = people
    services.assign(factories.claim(), actor=editor, assignee=fact_checker)
    client.force_login(fact_checker)
    client.get(INBOX)
    with django_assert_num_queries(PINNED_INBOX_QUERIES):
        client.get(INBOX)
    for _ in range(10):
        services.assign(factories.claim(), actor=editor, assignee=fact_checker)
    with django_assert_num_queries(PINNED_INBOX_QUERIES):
        page = client.get(INBOX).content.decode()
    assert "Notifications: 11 unread" in page


PINNED_INBOX_QUERIES = 7


@pytest.mark.parametrize("who", ["administrator", "outsider", "staff_without_role"])
def test_people_without_editorial_work_have_no_notifications_page(client, request, who):
    client.force_login(request.getfixturevalue(who))

    response = client.get(INBOX)

    assert response.status_code in (302, 403)
