"""Every write by a person records who, what, when and the value it replaced,
shown in the admin history of the thing changed."""

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from factcheck import services
from factcheck.models import (
    Article,
    Claim,
    Delivery,
    Event,
    EventKind,
    JobState,
    Status,
    Subscriber,
    WebhookEvent,
)
from tests import factories
from tests.admin_forms import change_form_data
from tests.api import fact_checker_api  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def history_url(obj) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_history", args=[obj.pk])


def claim_url(claim: Claim) -> str:
    return reverse("admin:factcheck_claim_change", args=[claim.pk])


# --- On the claim's page -----------------------------------------------------------


def test_it_records_a_source_added_edited_and_removed_with_what_it_said(
    client, fact_checker
):
    claim = factories.claim(status=Status.IN_RESEARCH)
    source = services.add_source(
        claim,
        actor=fact_checker,
        url="https://asp.icc-cpi.int/states-parties",
        title="The States Parties",
    )
    services.update_source(source, actor=fact_checker, title="States Parties (ICC)")
    services.remove_source(source, actor=fact_checker)

    events = list(claim.events.order_by("pk").values_list("kind", "actor", "data"))
    assert [(kind, actor) for kind, actor, _ in events] == [
        (EventKind.CREATE, fact_checker.pk),
        (EventKind.EDIT, fact_checker.pk),
        (EventKind.DELETE, fact_checker.pk),
    ]
    assert events[1][2] == {
        "fields": ["title"],
        "previous": {"title": "The States Parties"},
    }
    assert events[2][2]["previous"]["title"] == "States Parties (ICC)"
    client.force_login(fact_checker)
    page = client.get(claim_url(claim)).content.decode()
    assert "Source “The States Parties”" in page
    assert "&quot;title&quot;: &quot;The States Parties&quot;" in page


def test_it_records_an_appearance_removed_from_the_claim_page(client, fact_checker):
    claim = factories.claim(status=Status.IN_RESEARCH)
    appearance = services.add_appearance(
        claim, actor=fact_checker, article=factories.article(), quote="ليست طرفا"
    )
    client.force_login(fact_checker)
    data = change_form_data(client.get(claim_url(claim)))
    data["appearances-0-DELETE"] = "on"

    assert client.post(claim_url(claim), data).status_code == 302

    assert not claim.appearances.exists()
    removed = claim.events.get(kind=EventKind.DELETE)
    assert (removed.actor, removed.subject_id) == (fact_checker, appearance.pk)
    assert removed.data["previous"]["quote"] == "ليست طرفا"


def test_it_records_what_a_claim_edit_replaced(editor):
    claim = factories.claim(text="نص قديم")

    services.update_claim(
        claim, actor=editor, expected_version=claim.version, changes={"text": "نص"}
    )

    event = claim.events.get(kind=EventKind.EDIT)
    assert event.data == {"fields": ["text"], "previous": {"text": "نص قديم"}}


def test_it_records_a_re_archive_on_the_claims_history(fact_checker):
    claim = factories.claim_at(Status.PUBLISHED)
    source = claim.sources.get()

    job = services.rearchive(source, actor=fact_checker)

    event = claim.events.get(kind=EventKind.REARCHIVE)
    assert (event.actor, event.subject, event.data["job"]) == (
        fact_checker,
        source,
        job.pk,
    )


# --- Reference data, keys and deliveries: their own History page ---------------------


def test_it_records_a_rating_edit_and_shows_it_on_the_ratings_history(
    client, administrator
):
    rating = factories.rating(5)
    client.force_login(administrator)
    url = reverse("admin:factcheck_rating_change", args=[rating.pk])
    data = change_form_data(client.get(url), label_en="Accurate")

    assert client.post(url, data).status_code == 302

    event = Event.objects.about(rating).get()
    assert (event.kind, event.actor, event.claim) == (
        EventKind.EDIT,
        administrator,
        None,
    )
    assert event.data == {"fields": ["label_en"], "previous": {"label_en": "True"}}
    history = client.get(history_url(rating)).content.decode()
    assert "Changes recorded by the desk" in history
    assert "&quot;label_en&quot;: &quot;True&quot;" in history
    assert administrator.username in history


def test_it_records_a_deleted_tag_with_what_it_was(administrator):
    tag = factories.tag(name="ICC")
    pk = tag.pk

    services.delete_reference(tag, actor=administrator)

    event = Event.objects.get(kind=EventKind.DELETE)
    assert (event.subject_id, event.subject_name, event.actor) == (
        pk,
        "ICC",
        administrator,
    )
    assert event.data["previous"]["name_en"] == "ICC"


def test_it_records_an_article_entered_through_the_api(
    fact_checker_api,  # noqa: F811
    fact_checker,
):
    outlet = factories.outlet()

    response = fact_checker_api.post(
        "/api/v1/articles/",
        {
            "url": "https://news.example/icc",
            "outlet": outlet.pk,
            "title": "ICC",
            "language": "en",
        },
        format="json",
    )

    assert response.status_code == 201
    article = Article.objects.get(pk=response.json()["id"])
    event = Event.objects.about(article).get()
    assert (event.kind, event.actor) == (EventKind.CREATE, fact_checker)


def test_it_records_who_issued_and_who_revoked_a_key(client, administrator, editor):
    token, _key = services.issue_token(editor, actor=administrator, name="CMS")
    services.revoke_token(token, actor=administrator)

    events = Event.objects.about(token).order_by("pk")
    assert [(e.kind, e.actor) for e in events] == [
        (EventKind.CREATE, administrator),
        (EventKind.REVOKE, administrator),
    ]
    assert events[1].data == {"previous": {"revoked_at": None}}
    client.force_login(administrator)
    history = client.get(history_url(token)).content.decode()
    assert "Revoked" in history
    assert "Created" in history


def test_it_records_nothing_for_a_key_revoked_twice(administrator, editor):
    token, _key = services.issue_token(editor, actor=administrator, name="CMS")
    services.revoke_token(token, actor=administrator)
    services.revoke_token(token, actor=administrator)

    assert Event.objects.about(token).filter(kind=EventKind.REVOKE).count() == 1


def test_it_records_a_delivery_sent_again(client, administrator):
    claim = factories.claim(Status.PUBLISHED)
    event = Event.objects.create(
        claim=claim,
        kind=EventKind.TRANSITION,
        from_status=Status.APPROVED,
        to_status=Status.PUBLISHED,
    )
    delivery = Delivery.objects.create(
        subscriber=Subscriber.objects.create(
            name="Partner",
            url="https://partner.example/hooks",
            events=[WebhookEvent.PUBLISHED],
        ),
        event=event,
        kind=WebhookEvent.PUBLISHED,
        state=JobState.FAILED,
        attempts=8,
        error="HTTP 503: down",
        payload={},
    )

    services.redeliver(delivery, actor=administrator)

    recorded = Event.objects.about(delivery).get()
    assert (recorded.kind, recorded.actor, recorded.claim) == (
        EventKind.REDELIVER,
        administrator,
        None,
    )
    assert recorded.data["previous"]["attempts"] == 8
    assert recorded.data["previous"]["error"] == "HTTP 503: down"
    client.force_login(administrator)
    assert "Sent again" in client.get(history_url(delivery)).content.decode()


# --- Claim creation through the API is all or nothing --------------------------------


@pytest.fixture
def appearances_refused():
    """The database refuses every new appearance, as it would at a full disk: the
    failure comes after the claim was written, whatever the request said."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE FUNCTION refuse_appearance() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'no room' USING ERRCODE = 'disk_full';
            END $$;
            CREATE TRIGGER refuse_appearance BEFORE INSERT ON factcheck_appearance
                FOR EACH ROW EXECUTE FUNCTION refuse_appearance();
            """
        )


def test_it_stores_nothing_when_the_first_appearance_fails(
    fact_checker_api,  # noqa: F811
    appearances_refused,
):
    article = factories.article()
    tag = factories.tag()
    before = (Claim.objects.count(), Event.objects.count())

    with pytest.raises(OperationalError, match="no room"):
        fact_checker_api.post(
            "/api/v1/claims/",
            {
                "text": "تركيا ليست طرفا في نظام روما الأساسي",
                "language": "ar",
                "tags": [tag.slug],
                "appearance": {"article": article.pk, "quote": "ليست طرفا"},
            },
            format="json",
        )

    assert (Claim.objects.count(), Event.objects.count()) == before


def test_it_shows_a_keys_history_only_to_those_who_manage_keys(
    client, administrator, editor
):
    token, _key = services.issue_token(editor, actor=administrator, name="CMS")
    client.force_login(editor)

    assert client.get(history_url(token)).status_code == 403


@pytest.mark.parametrize("edits", [1, 10])
def test_it_reads_a_history_page_in_a_fixed_number_of_queries(
    client, administrator, django_assert_num_queries, edits
):
    tag = factories.tag(name="ICC")
    for n in range(edits):
        tag.name_en = f"ICC {n}"
        services.save_reference(tag, actor=administrator)
    client.force_login(administrator)
    client.get(history_url(tag))  # content types cached, as in a running desk

    # The same count for one edit or ten: the events are read with their actors
    # in one query, beside the session, the user, the tag and Django's own log.
    with django_assert_num_queries(8):
        response = client.get(history_url(tag))

    assert response.content.decode().count('class="event"') == edits
