"""Background work in the admin: source links and archives, webhook subscribers,
deliveries, and scheduled publication on the claim page."""

import datetime
import itertools
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from factcheck import services
from factcheck.models import (
    ArchiveJob,
    ArchiveReason,
    Delivery,
    DeliveryAttempt,
    Event,
    EventKind,
    JobState,
    LinkStatus,
    Source,
    SourceArchive,
    Status,
    Subscriber,
    WebhookEvent,
)
from tests import factories

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
SOURCES = reverse("admin:factcheck_source_changelist")
SUBSCRIBERS = reverse("admin:factcheck_subscriber_changelist")
ADD_SUBSCRIBER = reverse("admin:factcheck_subscriber_add")
DELIVERIES = reverse("admin:factcheck_delivery_changelist")
QUEUE = reverse("admin:factcheck_claim_changelist")

_n = itertools.count(1)


def page_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def offered_actions(response) -> set[str]:
    if response.context["action_form"] is None:
        return set()
    choices = response.context["action_form"].fields["action"].choices
    return {name for name, _label in choices if name}


def run_action(client, url: str, action: str, objects):
    return client.post(
        url,
        {"action": action, "_selected_action": [o.pk for o in objects], "index": 0},
        follow=True,
    )


def listed(response) -> list[int]:
    return [obj.pk for obj in response.context["cl"].result_list]


def a_source(link_status: str = LinkStatus.ARCHIVED, **fields) -> Source:
    claim = factories.claim(Status.PUBLISHED)
    with factories.assembling(claim):
        fields.setdefault("url", f"https://evidence.example/{next(_n)}")
        source = factories.source(claim, **fields)
    Source.objects.filter(pk=source.pk).update(
        link_status=link_status, link_status_since=timezone.now()
    )
    source.refresh_from_db()
    return source


def an_archive(source: Source, *, text: str = "تركيا ليست من الدول الأطراف.") -> None:
    job = ArchiveJob.objects.create(
        source=source,
        url=source.url,
        reason=ArchiveReason.ARCHIVE,
        state=JobState.DONE,
        attempts=1,
    )
    SourceArchive.objects.create(
        source=source,
        job=job,
        requested_url=source.url,
        final_url=source.url + "/final",
        status_code=200,
        content_type="text/html",
        sha256=f"{next(_n):064x}",
        text=text,
        fetched_at=timezone.now(),
    )


def a_subscriber(**fields) -> Subscriber:
    fields.setdefault("name", f"Partner {next(_n)}")
    fields.setdefault("url", "https://partner.example/hooks/factcheck")
    fields.setdefault("events", [WebhookEvent.PUBLISHED])
    return Subscriber.objects.create(**fields)


def a_delivery(state: str = JobState.FAILED, subscriber=None, **fields) -> Delivery:
    claim = factories.claim(Status.PUBLISHED)
    event = Event.objects.create(
        claim=claim,
        kind=EventKind.TRANSITION,
        from_status=Status.APPROVED,
        to_status=Status.PUBLISHED,
    )
    fields.setdefault("payload", {"event": "factcheck.published", "id": claim.pk})
    fields.setdefault("attempts", 8 if state == JobState.FAILED else 0)
    fields.setdefault("error", "HTTP 503: down" if state == JobState.FAILED else "")
    return Delivery.objects.create(
        subscriber=subscriber or a_subscriber(),
        event=event,
        kind=WebhookEvent.PUBLISHED,
        state=state,
        **fields,
    )


def change_url(obj) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


# --- Sources -------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["fact_checker", "editor", "administrator"])
def test_it_lists_sources_with_their_link_status_as_text(client, request, persona):
    a_source(LinkStatus.GONE, title="The States Parties to the Rome Statute")
    client.force_login(request.getfixturevalue(persona))

    response = client.get(SOURCES)

    assert response.status_code == 200
    html = response.content.decode()
    assert "The States Parties to the Rome Statute" in html
    assert ">No longer online</span>" in html


@pytest.mark.parametrize("persona", ["outsider", "staff_without_role"])
def test_it_keeps_people_without_a_role_away_from_sources(client, request, persona):
    source = a_source()
    client.force_login(request.getfixturevalue(persona))

    for url in (SOURCES, change_url(source)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(LOGIN)


def test_it_links_the_claim_only_for_people_who_may_open_it(
    client, editor, administrator
):
    source = a_source()
    claim_page = reverse("admin:factcheck_claim_change", args=[source.claim_id])

    client.force_login(editor)
    assert claim_page in client.get(SOURCES).content.decode()
    assert claim_page in client.get(change_url(source)).content.decode()
    client.force_login(administrator)
    for page in (SOURCES, change_url(source)):
        html = client.get(page).content.decode()
        assert claim_page not in html
        assert str(source.claim) in html


def test_it_finds_broken_or_changed_sources_in_one_filter_choice(client, editor):
    gone = a_source(LinkStatus.GONE)
    failed = a_source(LinkStatus.FAILED)
    changed = a_source(LinkStatus.CHANGED)
    a_source(LinkStatus.ARCHIVED)
    a_source(LinkStatus.PENDING)
    client.force_login(editor)

    both = client.get(SOURCES, {"link": "broken_or_changed"})
    only_gone = client.get(SOURCES, {"link": LinkStatus.GONE})

    assert sorted(listed(both)) == sorted([gone.pk, failed.pk, changed.pk])
    assert listed(only_gone) == [gone.pk]
    assert "Broken or changed" in both.content.decode()


def test_it_searches_sources_by_title_and_link(client, editor):
    icc = a_source(title="The States Parties to the Rome Statute")
    un = a_source(title="Black Sea Grain Initiative", url="https://www.un.org/en/grain")
    client.force_login(editor)

    assert listed(client.get(SOURCES, {"q": "Rome Statute"})) == [icc.pk]
    assert listed(client.get(SOURCES, {"q": "un.org"})) == [un.pk]


def test_it_offers_no_adding_editing_or_deleting_of_sources_here(client, editor):
    source = a_source(title="Original title")
    client.force_login(editor)

    assert client.get(reverse("admin:factcheck_source_add")).status_code == 403
    response = client.post(change_url(source), {"title": "Changed here"})
    assert response.status_code == 403
    delete = reverse("admin:factcheck_source_delete", args=[source.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    source.refresh_from_db()
    assert source.title == "Original title"


@pytest.mark.parametrize("rows", [1, 10])
def test_it_lists_sources_in_a_fixed_number_of_queries(
    client, editor, django_assert_num_queries, rows
):
    for _ in range(rows):
        a_source()
    client.force_login(editor)

    # session, user, their permissions (2), COUNT, the page of sources with claims
    with django_assert_num_queries(6):
        response = client.get(SOURCES)

    assert len(listed(response)) == rows


@pytest.mark.parametrize("archives", [1, 3])
def test_it_shows_a_source_with_its_archives_and_jobs_in_fixed_queries(
    client, editor, django_assert_num_queries, archives
):
    source = a_source()
    for _ in range(archives):
        an_archive(source)
    client.force_login(editor)
    client.get(change_url(source))  # warms the content-type cache

    # session, user, permissions (2), the source with its claim, archives, jobs
    with django_assert_num_queries(7):
        response = client.get(change_url(source))

    assert response.status_code == 200
    assert response.content.decode().count("/final</a>") == archives


def test_it_shows_a_source_s_archives_and_jobs_read_only(client, fact_checker):
    source = a_source(LinkStatus.CHANGED)
    an_archive(source, text="<b>تركيا</b> ليست من الدول الأطراف. " + "x" * 400)
    ArchiveJob.objects.create(
        source=source,
        url=source.url,
        reason=ArchiveReason.CHECK,
        state=JobState.FAILED,
        attempts=5,
        error="network error: timed out",
    )
    client.force_login(fact_checker)

    response = client.get(change_url(source))

    html = response.content.decode()
    archive = SourceArchive.objects.get()
    assert archive.sha256 in html
    assert f'href="{source.url}/final"' in html
    assert "&lt;b&gt;تركيا&lt;/b&gt; ليست من الدول الأطراف." in html
    assert "x" * 301 not in html  # a preview, not the whole page
    assert "network error: timed out" in html
    assert "Link check" in html and ">Failed</span>" in html
    assert ">Changed since archived</span>" in html
    assert 'name="_save"' not in html


@pytest.mark.parametrize("persona", ["fact_checker", "editor"])
def test_it_re_archives_selected_sources_after_commit(
    client, request, persona, django_capture_on_commit_callbacks, enqueued
):
    person = request.getfixturevalue(persona)
    first, second = a_source(LinkStatus.CHANGED), a_source(LinkStatus.GONE)
    client.force_login(person)

    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(client, SOURCES, "rearchive", [first, second])

    assert "2 sources will be archived again shortly." in page_messages(response)
    jobs = ArchiveJob.objects.order_by("source_id")
    assert [(j.source_id, j.reason, j.state, j.requested_by) for j in jobs] == [
        (first.pk, ArchiveReason.REARCHIVE, JobState.PENDING, person),
        (second.pk, ArchiveReason.REARCHIVE, JobState.PENDING, person),
    ]
    assert enqueued() == [
        ("factcheck.tasks.archive_source", [jobs[0].pk]),
        ("factcheck.tasks.archive_source", [jobs[1].pk]),
    ]


def test_it_does_not_let_administrators_re_archive(client, administrator):
    source = a_source()
    client.force_login(administrator)

    assert "rearchive" not in offered_actions(client.get(SOURCES))
    run_action(client, SOURCES, "rearchive", [source])

    assert not ArchiveJob.objects.exists()


def test_it_reports_each_refused_re_archive_and_archives_the_rest(
    client, editor, monkeypatch
):
    refused, asked = a_source(), a_source()
    real = services.rearchive

    def rearchive(source, *, actor):
        if source.pk == refused.pk:
            raise services.NotAllowed("Not this one.")
        return real(source, actor=actor)

    monkeypatch.setattr(services, "rearchive", rearchive)
    client.force_login(editor)

    response = run_action(client, SOURCES, "rearchive", [refused, asked])

    messages = page_messages(response)
    assert f"Source {refused.pk} not re-archived: Not this one." in messages
    assert "1 source will be archived again shortly." in messages
    assert list(ArchiveJob.objects.values_list("source_id", flat=True)) == [asked.pk]


def test_it_shows_link_status_on_the_claim_page_s_sources(client, fact_checker):
    source = a_source(LinkStatus.GONE)
    client.force_login(fact_checker)

    response = client.get(change_url(source.claim))

    html = response.content.decode()
    assert ">No longer online</span>" in html
    assert change_url(source) in html


# --- Webhook subscribers -----------------------------------------------------------


def subscriber_form(**overrides) -> dict:
    return {
        "name": "Partner wire",
        "url": "https://partner.example/hooks/factcheck",
        "events": [WebhookEvent.PUBLISHED, WebhookEvent.RETRACTED],
        "is_active": "on",
        **overrides,
    }


def test_it_lets_an_administrator_add_a_subscriber_and_shows_its_secret(
    client, administrator
):
    client.force_login(administrator)
    chosen = "chosen-by-hand-" + "x" * 40

    response = client.post(ADD_SUBSCRIBER, subscriber_form(secret=chosen), follow=True)

    subscriber = Subscriber.objects.get()
    assert subscriber.events == [WebhookEvent.PUBLISHED, WebhookEvent.RETRACTED]
    assert subscriber.secret != chosen and len(subscriber.secret) >= 32
    assert response.redirect_chain[-1][0] == change_url(subscriber)
    html = response.content.decode()
    assert f'<code class="secret">{subscriber.secret}</code>' in html
    assert "X-Factcheck-Signature" in html and "X-Factcheck-Timestamp" in html
    checked = re.findall(
        r'<input type="checkbox" name="events" value="([^"]+)"[^>]*checked', html
    )
    assert checked == [WebhookEvent.PUBLISHED, WebhookEvent.RETRACTED]
    assert "Give the partner its signing secret, shown below." in page_messages(
        response
    )


def test_it_never_lets_the_secret_be_set_by_hand_on_change(client, administrator):
    subscriber = a_subscriber()
    secret = subscriber.secret
    client.force_login(administrator)

    response = client.post(
        change_url(subscriber),
        subscriber_form(
            url="https://partner.example/v2",
            secret="s" * 40,
            events=["factcheck.corrected"],
        ),
    )

    assert response.status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.url == "https://partner.example/v2"
    assert subscriber.events == [WebhookEvent.CORRECTED]
    assert subscriber.secret == secret


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("http://127.0.0.1/hook", "“127.0.0.1” is not a public internet address"),
        ("https://10.0.0.1/hook", "“10.0.0.1” is not a public internet address"),
        ("http://[::1]/hook", "“::1” is not a public internet address"),
        ("http://169.254.169.254/latest", "is not a public internet address"),
        ("http://[::ffff:192.168.0.1]/", "is not a public internet address"),
        ("https://localhost/hook", "“localhost” is this machine"),
        ("https://partner.example:8080/hook", "not 8080."),
        ("ftp://partner.example/hook", "Only http:// and https:// links are accepted."),
        ("https://user:pw@partner.example/", "may not carry a user name or password"),
    ],
)
def test_it_refuses_a_subscriber_url_the_desk_must_not_post_to(
    client, administrator, url, error
):
    client.force_login(administrator)

    response = client.post(ADD_SUBSCRIBER, subscriber_form(url=url))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["url"]
    assert any(error in e for e in errors), errors
    assert 'class="errorlist' in response.content.decode()
    assert not Subscriber.objects.exists()


def test_it_accepts_a_public_ip_address_on_the_standard_port(client, administrator):
    client.force_login(administrator)

    response = client.post(
        ADD_SUBSCRIBER, subscriber_form(url="https://203.0.114.1:443/hook")
    )

    assert response.status_code == 302
    assert Subscriber.objects.get().url == "https://203.0.114.1:443/hook"


def test_it_requires_at_least_one_event(client, administrator):
    client.force_login(administrator)

    response = client.post(ADD_SUBSCRIBER, subscriber_form(events=[]))

    assert response.status_code == 200
    assert "events" in response.context["adminform"].form.errors
    assert not Subscriber.objects.exists()


def test_it_shows_editors_subscribers_without_their_secret(client, editor):
    subscriber = a_subscriber(name="Partner wire")
    client.force_login(editor)

    listing = client.get(SUBSCRIBERS)
    page = client.get(change_url(subscriber))

    assert listing.status_code == 200 and "Partner wire" in listing.content.decode()
    assert page.status_code == 200
    assert subscriber.secret not in page.content.decode()
    assert "Shown to administrators only." in page.content.decode()
    assert "Fact-check published" in page.content.decode()


def test_it_refuses_editors_any_change_to_subscribers(client, editor):
    subscriber = a_subscriber(url="https://partner.example/hook")
    client.force_login(editor)

    assert client.get(ADD_SUBSCRIBER).status_code == 403
    assert client.post(ADD_SUBSCRIBER, subscriber_form()).status_code == 403
    changed = client.post(
        change_url(subscriber), subscriber_form(url="https://evil.example/")
    )
    assert changed.status_code == 403
    delete = reverse("admin:factcheck_subscriber_delete", args=[subscriber.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    subscriber.refresh_from_db()
    assert subscriber.url == "https://partner.example/hook"
    assert Subscriber.objects.count() == 1


def test_it_keeps_fact_checkers_away_from_subscribers(client, fact_checker):
    subscriber = a_subscriber()
    client.force_login(fact_checker)

    assert client.get(SUBSCRIBERS).status_code == 403
    assert client.get(change_url(subscriber)).status_code == 403
    assert client.post(ADD_SUBSCRIBER, subscriber_form()).status_code == 403
    assert Subscriber.objects.count() == 1


@pytest.mark.parametrize("persona", ["outsider", "staff_without_role"])
def test_it_keeps_people_without_a_role_away_from_webhooks(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    for url in (SUBSCRIBERS, ADD_SUBSCRIBER, DELIVERIES):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(LOGIN)


@pytest.mark.parametrize("rows", [1, 10])
def test_it_lists_subscribers_in_a_fixed_number_of_queries(
    client, administrator, django_assert_num_queries, rows
):
    for _ in range(rows):
        a_subscriber()
    client.force_login(administrator)

    # session, user, their permissions (2), COUNT, the page
    with django_assert_num_queries(6):
        response = client.get(SUBSCRIBERS)

    assert len(listed(response)) == rows


# --- Deliveries ----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["editor", "administrator"])
def test_it_lists_deliveries_with_their_state(client, request, persona):
    a_delivery(JobState.FAILED, subscriber=a_subscriber(name="Partner wire"))
    client.force_login(request.getfixturevalue(persona))

    response = client.get(DELIVERIES)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Partner wire" in html
    assert ">Failed</span>" in html
    assert "HTTP 503: down" in html


def test_it_keeps_fact_checkers_away_from_deliveries(client, fact_checker):
    delivery = a_delivery()
    client.force_login(fact_checker)

    assert client.get(DELIVERIES).status_code == 403
    assert client.get(change_url(delivery)).status_code == 403


def test_it_filters_deliveries_by_state_kind_and_subscriber(client, editor):
    wire = a_subscriber()
    failed = a_delivery(JobState.FAILED, subscriber=wire)
    done = a_delivery(JobState.DONE)
    client.force_login(editor)

    assert listed(client.get(DELIVERIES, {"state": "failed"})) == [failed.pk]
    assert listed(client.get(DELIVERIES, {"subscriber__id__exact": wire.pk})) == [
        failed.pk
    ]
    by_kind = client.get(DELIVERIES, {"kind": WebhookEvent.PUBLISHED})
    assert sorted(listed(by_kind)) == sorted([failed.pk, done.pk])
    assert listed(client.get(DELIVERIES, {"kind": WebhookEvent.RETRACTED})) == []


@pytest.mark.parametrize("rows", [1, 10])
def test_it_lists_deliveries_in_a_fixed_number_of_queries(
    client, administrator, django_assert_num_queries, rows
):
    subscriber = a_subscriber()
    for _ in range(rows):
        a_delivery(subscriber=subscriber)
    client.force_login(administrator)

    # session, user, permissions (2), subscribers for the filter, COUNT, the page
    with django_assert_num_queries(7):
        response = client.get(DELIVERIES)

    assert len(listed(response)) == rows


def test_it_shows_a_delivery_s_payload_escaped_and_its_attempts(client, editor):
    delivery = a_delivery(payload={"headline": "<script>alert(1)</script>", "n": 1})
    for number in (1, 2):
        DeliveryAttempt.objects.create(
            delivery=delivery,
            number=number,
            started_at=timezone.now(),
            duration_ms=1234 + number,
            status_code=503,
            error="HTTP 503: down",
        )
    client.force_login(editor)

    response = client.get(change_url(delivery))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in html
    assert (
        "&quot;headline&quot;: &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;"
        in (html)
    )
    assert "1235" in html and "1236" in html
    assert 'name="_save"' not in html


@pytest.mark.parametrize("attempts", [1, 3])
def test_it_shows_a_delivery_in_a_fixed_number_of_queries(
    client, administrator, django_assert_num_queries, attempts
):
    delivery = a_delivery()
    for number in range(1, attempts + 1):
        DeliveryAttempt.objects.create(
            delivery=delivery, number=number, started_at=timezone.now(), duration_ms=5
        )
    client.force_login(administrator)
    client.get(change_url(delivery))  # warms the content-type cache

    # session, user, permissions (2), the delivery, its payload, its attempts
    with django_assert_num_queries(7):
        response = client.get(change_url(delivery))

    assert response.status_code == 200


def test_it_refuses_any_change_to_a_delivery(client, administrator):
    delivery = a_delivery()
    client.force_login(administrator)

    response = client.post(change_url(delivery), {"state": "done", "attempts": 0})

    assert response.status_code == 403
    delete = reverse("admin:factcheck_delivery_delete", args=[delivery.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    delivery.refresh_from_db()
    assert delivery.state == JobState.FAILED


def test_it_sends_a_failed_delivery_again(
    client, administrator, django_capture_on_commit_callbacks, enqueued
):
    delivery = a_delivery(JobState.FAILED)
    client.force_login(administrator)

    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(client, DELIVERIES, "send_again", [delivery])

    assert "1 delivery will be sent again shortly." in page_messages(response)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (JobState.PENDING, 0)
    assert enqueued() == [("factcheck.tasks.deliver_webhook", [delivery.pk])]


def test_it_says_why_a_delivery_that_has_not_failed_is_not_sent_again(
    client, administrator
):
    done = a_delivery(JobState.DONE)
    client.force_login(administrator)

    response = run_action(client, DELIVERIES, "send_again", [done])

    assert (
        f"Delivery {done.pk} not sent again: only a failed delivery is "
        "(this one is waiting, running or delivered)." in page_messages(response)
    )
    done.refresh_from_db()
    assert done.state == JobState.DONE


def test_it_does_not_let_editors_send_a_delivery_again(client, editor):
    delivery = a_delivery(JobState.FAILED)
    client.force_login(editor)

    assert "send_again" not in offered_actions(client.get(DELIVERIES))
    run_action(client, DELIVERIES, "send_again", [delivery])

    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (JobState.FAILED, 8)


# --- Scheduled publication -----------------------------------------------------------


def schedule_url(claim) -> str:
    return reverse("admin:factcheck_claim_schedule", args=[claim.pk])


def local_input(moment: datetime.datetime) -> str:
    """What a datetime-local input sends: the wall-clock time, no zone."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def approved(fact_checker):
    return factories.claim_at(Status.APPROVED, author=fact_checker)


def test_it_lets_an_editor_schedule_publication_from_the_claim_page(
    client, editor, approved
):
    client.force_login(editor)
    page = client.get(change_url(approved))
    assert 'type="datetime-local"' in page.content.decode()
    assert "site&#x27;s time zone, UTC" in page.content.decode()
    when = (timezone.now() + datetime.timedelta(days=1)).replace(
        second=0, microsecond=0
    )

    response = client.post(
        schedule_url(approved),
        {"publish_at": local_input(when), "version": approved.version},
        follow=True,
    )

    note = f"Scheduled for {when:%Y-%m-%d %H:%M} UTC by Layla"
    assert f"Publication scheduled for {when:%Y-%m-%d %H:%M} UTC." in page_messages(
        response
    )
    factcheck = approved.factcheck
    factcheck.refresh_from_db()
    assert (factcheck.publish_at, factcheck.publish_scheduled_by) == (when, editor)
    event = approved.events.get(kind=EventKind.EDIT)
    assert (event.actor, event.data) == (editor, {"publish_at": when.isoformat()})
    assert note in response.content.decode()
    assert note in client.get(QUEUE).content.decode()


def test_it_cancels_a_scheduled_publication(client, editor, approved):
    services.schedule_publication(
        approved,
        actor=editor,
        publish_at=timezone.now() + datetime.timedelta(hours=2),
    )
    client.force_login(editor)
    page = client.get(change_url(approved))
    assert 'value="cancel"' in page.content.decode()

    response = client.post(
        schedule_url(approved),
        {"do": "cancel", "publish_at": "", "version": approved.version},
        follow=True,
    )

    assert "Scheduled publication cancelled." in page_messages(response)
    approved.factcheck.refresh_from_db()
    assert approved.factcheck.publish_at is None
    assert "Scheduled for" not in client.get(QUEUE).content.decode()


def test_it_refuses_a_publication_time_in_the_past_with_a_form_error(
    client, editor, approved
):
    client.force_login(editor)
    past = timezone.now() - datetime.timedelta(hours=1)

    response = client.post(
        schedule_url(approved),
        {"publish_at": local_input(past), "version": approved.version},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["publish_at"] == [
        "Choose a time in the future; to publish now, use Publish."
    ]
    assert "Choose a time in the future" in response.content.decode()
    approved.factcheck.refresh_from_db()
    assert approved.factcheck.publish_at is None
    assert not approved.events.exists()


def test_it_refuses_a_schedule_sent_from_a_stale_page(
    client, editor, second_editor, approved
):
    loaded = approved.version
    services.schedule_publication(
        approved,
        actor=second_editor,
        publish_at=timezone.now() + datetime.timedelta(hours=5),
    )
    client.force_login(editor)
    mine = timezone.now() + datetime.timedelta(days=2)

    response = client.post(
        schedule_url(approved),
        {"publish_at": local_input(mine), "version": loaded},
        follow=True,
    )

    assert any("changed by someone else" in m for m in page_messages(response))
    approved.factcheck.refresh_from_db()
    assert approved.factcheck.publish_scheduled_by == second_editor


def test_it_refuses_to_schedule_a_claim_that_is_not_approved(client, editor):
    in_review = factories.claim_at(Status.IN_REVIEW)
    client.force_login(editor)
    assert (
        'type="datetime-local"'
        not in client.get(change_url(in_review)).content.decode()
    )

    response = client.post(
        schedule_url(in_review),
        {
            "publish_at": local_input(timezone.now() + datetime.timedelta(days=1)),
            "version": in_review.version,
        },
        follow=True,
    )

    assert "Only an approved fact-check can be scheduled." in page_messages(response)
    in_review.factcheck.refresh_from_db()
    assert in_review.factcheck.publish_at is None


@pytest.mark.parametrize("persona", ["fact_checker", "administrator"])
def test_it_gives_people_who_may_not_publish_no_schedule(
    client, request, persona, approved
):
    client.force_login(request.getfixturevalue(persona))
    when = timezone.now() + datetime.timedelta(days=1)

    if persona == "fact_checker":
        page = client.get(change_url(approved)).content.decode()
        assert 'type="datetime-local"' not in page
    response = client.post(
        schedule_url(approved),
        {"publish_at": local_input(when), "version": approved.version},
    )

    assert response.status_code == 403
    assert client.get(schedule_url(approved)).status_code == 403
    approved.factcheck.refresh_from_db()
    assert approved.factcheck.publish_at is None


@pytest.mark.parametrize("persona", ["outsider", "staff_without_role"])
def test_it_sends_people_without_a_role_to_log_in_before_scheduling(
    client, request, persona, approved
):
    client.force_login(request.getfixturevalue(persona))

    response = client.post(
        schedule_url(approved),
        {"publish_at": "2099-01-01T09:00", "version": approved.version},
    )

    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
    approved.factcheck.refresh_from_db()
    assert approved.factcheck.publish_at is None


def test_it_shows_the_schedule_page_with_the_form_to_an_editor(
    client, editor, approved
):
    client.force_login(editor)

    response = client.get(schedule_url(approved))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="datetime-local"' in html
    assert re.search(f'name="version" value="{approved.version}"', html)
