"""What a reader sent, at the desk: their contact for editors only, their link one
click from being an appearance."""

import pytest
from django.urls import reverse

from factcheck import services
from factcheck.models import Appearance, Article, EventKind, Outlet, Status
from tests import factories
from tests.api import editor_api, fact_checker_api  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

CONTACT = "reader.hana@example.org"
LINK = "https://www.aljadeed.tv/news/politics/turkey-rome-statute"
CONTEXT = f"رأيته في نشرة الأخبار، والرابط: {LINK}، مساء الأحد."


@pytest.fixture
def from_a_reader():
    return services.submit_claim(
        text="تركيا ليست طرفا في نظام روما الأساسي",
        language="ar",
        context=CONTEXT,
        contact=CONTACT,
    )


def claim_page(client, claim) -> str:
    return client.get(
        reverse("admin:factcheck_claim_change", args=[claim.pk])
    ).content.decode()


def add_from_link(client, claim, url=LINK):
    return client.post(
        reverse("admin:factcheck_claim_appearance_from_link", args=[claim.pk]),
        {"url": url},
        follow=True,
    )


def test_it_finds_the_readers_link_without_the_punctuation_around_it(from_a_reader):
    assert services.reader_links(from_a_reader) == [LINK]


def test_an_editor_sees_how_to_reach_the_reader(client, editor, from_a_reader):
    client.force_login(editor)

    assert f'<bdi class="reader-contact">{CONTACT}</bdi>' in claim_page(
        client, from_a_reader
    )


def test_a_fact_checker_does_not_see_the_readers_contact(
    client, fact_checker, from_a_reader
):
    client.force_login(fact_checker)

    page = claim_page(client, from_a_reader)

    assert CONTACT not in page
    assert LINK in page  # the link is evidence, not personal data


def test_the_contact_is_in_no_api_answer(
    editor_api,  # noqa: F811
    fact_checker_api,  # noqa: F811
    from_a_reader,
):
    for api in (editor_api, fact_checker_api):
        one = api.get(f"/api/v1/claims/{from_a_reader.pk}/")
        listing = api.get("/api/v1/claims/")
        assert one.status_code == listing.status_code == 200
        assert CONTACT not in one.content.decode()
        assert CONTACT not in listing.content.decode()


def test_a_fact_checker_makes_the_link_an_appearance_in_one_click(
    client, fact_checker, from_a_reader
):
    client.force_login(fact_checker)
    assert "Add as an appearance" in claim_page(client, from_a_reader)

    response = add_from_link(client, from_a_reader)

    assert "The reader&#x27;s link is now an appearance" in response.content.decode()
    appearance = Appearance.objects.get(claim=from_a_reader)
    assert appearance.is_first
    assert appearance.article.url == LINK
    assert appearance.article.outlet.domain == "aljadeed.tv"
    assert appearance.article.language == "ar"
    added = from_a_reader.events.filter(kind=EventKind.CREATE, subject_id=appearance.pk)
    assert added.get().actor == fact_checker
    assert "already an appearance" in response.content.decode()


def test_it_reuses_the_outlet_and_article_the_desk_already_has(
    client, editor, from_a_reader
):
    outlet = factories.outlet(name="الجديد", domain="aljadeed.tv")
    client.force_login(editor)

    add_from_link(client, from_a_reader)

    assert Outlet.objects.filter(domain="aljadeed.tv").get() == outlet
    assert Article.objects.get().outlet == outlet


def test_the_same_link_twice_is_refused_and_adds_nothing(
    client, fact_checker, from_a_reader
):
    client.force_login(fact_checker)
    add_from_link(client, from_a_reader)

    again = add_from_link(client, from_a_reader)

    assert "already has an appearance" in again.content.decode()
    assert Appearance.objects.filter(claim=from_a_reader).count() == 1


def test_only_a_link_the_reader_sent_is_taken(client, fact_checker, from_a_reader):
    client.force_login(fact_checker)

    response = add_from_link(client, from_a_reader, url="https://example.org/other")

    assert "not among what the reader sent" in response.content.decode()
    assert not Appearance.objects.exists()
    assert not Article.objects.exists()


def test_an_approved_claims_appearances_do_not_change_from_the_link(
    client, fact_checker, editor
):
    claim = factories.claim_at(Status.APPROVED, submitted_context=CONTEXT)
    client.force_login(fact_checker)
    assert "Add as an appearance" not in claim_page(client, claim)

    response = add_from_link(client, claim)

    assert "approved as it stands" in response.content.decode()
    assert not Appearance.objects.filter(claim=claim).exists()


@pytest.mark.parametrize("who", ["administrator", "outsider", "staff_without_role"])
def test_people_outside_the_desk_may_not(client, request, who, from_a_reader):
    client.force_login(request.getfixturevalue(who))

    response = client.post(
        reverse("admin:factcheck_claim_appearance_from_link", args=[from_a_reader.pk]),
        {"url": LINK},
    )

    assert response.status_code in (302, 403)
    if response.status_code == 302:  # the admin's login page, not the claim
        assert "/admin/login/" in response["Location"]
    assert not Appearance.objects.exists()


def test_it_answers_a_get_with_405(client, editor, from_a_reader):
    client.force_login(editor)

    response = client.get(
        reverse("admin:factcheck_claim_appearance_from_link", args=[from_a_reader.pk])
    )

    assert response.status_code == 405
