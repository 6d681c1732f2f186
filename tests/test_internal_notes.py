"""Internal notes on a claim: a thread for fact-checkers and editors, kept in the
history, never public."""

import pytest
from django.urls import reverse

from factcheck import services
from factcheck.models import EventKind, Note, Status
from tests import factories
from tests.api import anonymous, editor_api  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

WORDS = "المصدر الثاني يناقض التاريخ المذكور؛ اتصلت بالمكتب الإعلامي وأنتظر الرد."


def notes_url(claim) -> str:
    return reverse("admin:factcheck_claim_notes", args=[claim.pk])


def claim_page(client, claim) -> str:
    url = reverse("admin:factcheck_claim_change", args=[claim.pk])
    return client.get(url).content.decode()


@pytest.mark.parametrize("who", ["fact_checker", "editor"])
def test_fact_checkers_and_editors_add_a_note_on_the_claim_page(client, request, who):
    person = request.getfixturevalue(who)
    claim = factories.claim_at(Status.IN_RESEARCH)
    client.force_login(person)

    response = client.post(notes_url(claim), {"note": WORDS}, follow=True)

    page = response.content.decode()
    assert "Note added." in page
    assert f'<p dir="auto">{WORDS}</p>' in page
    note = Note.objects.get(claim=claim)
    assert (note.author, note.text) == (person, WORDS)
    event = claim.events.get(kind=EventKind.NOTE)
    assert (event.actor, event.note, event.subject_id) == (person, WORDS, note.pk)


def test_the_thread_reads_oldest_first_with_its_authors(
    client, editor, fact_checker, django_assert_num_queries
):
    claim = factories.claim()
    services.add_note(claim, actor=fact_checker, text="First: the date is wrong.")
    services.add_note(claim, actor=editor, text="Second: call the ministry.")

    with django_assert_num_queries(1):
        thread = [(n.author.username, n.text) for n in Note.objects.thread(claim)]

    assert thread == [
        ("fatima", "First: the date is wrong."),
        ("layla", "Second: call the ministry."),
    ]
    client.force_login(editor)
    thread_on_page = claim_page(client, claim).split('id="notes"')[1]
    assert thread_on_page.index("First: the date") < thread_on_page.index("Second")


def test_an_empty_note_is_refused_and_nothing_is_kept(client, fact_checker):
    claim = factories.claim()
    client.force_login(fact_checker)

    response = client.post(notes_url(claim), {"note": "   "}, follow=True)

    assert "Write the note first." in response.content.decode()
    assert not Note.objects.exists()
    assert not claim.events.filter(kind=EventKind.NOTE).exists()


def test_a_note_with_a_hidden_direction_control_is_refused_by_name(
    client, fact_checker
):
    claim = factories.claim()
    client.force_login(fact_checker)

    response = client.post(notes_url(claim), {"note": "ok \u202e evil"}, follow=True)

    assert "U+202E" in response.content.decode()
    assert not Note.objects.exists()


@pytest.mark.parametrize("who", ["administrator", "outsider", "staff_without_role"])
def test_people_outside_the_editorial_desk_may_not_write_or_read_notes(
    client, request, who
):
    claim = factories.claim()
    services.add_note(claim, actor=factories.user("sara", "Editors"), text=WORDS)
    person = request.getfixturevalue(who)
    client.force_login(person)

    response = client.post(notes_url(claim), {"note": "Let me in."})
    page = client.get(reverse("admin:factcheck_claim_change", args=[claim.pk]))

    assert response.status_code in (302, 403)
    assert page.status_code in (302, 403)
    assert WORDS not in page.content.decode()
    assert Note.objects.count() == 1
    with pytest.raises(services.NotAllowed):
        services.add_note(claim, actor=person, text="Through the service.")


def test_it_answers_a_get_with_405(client, editor):
    claim = factories.claim()
    client.force_login(editor)

    assert client.get(notes_url(claim)).status_code == 405


def test_a_published_fact_checks_notes_are_on_no_public_surface(
    client,
    anonymous,  # noqa: F811
    editor_api,  # noqa: F811
    editor,
):
    factcheck = factories.public_factcheck()
    services.add_note(factcheck.claim, actor=editor, text=WORDS)
    slug_path = factcheck.get_absolute_url()

    surfaces = [
        client.get(slug_path),
        client.get(reverse("factcheck_list")),
        client.get("/feeds/rss/"),
        client.get("/sitemap.xml"),
        anonymous.get("/api/v1/factchecks/"),
        anonymous.get(f"/api/v1/factchecks/{factcheck.slug}/"),
    ]

    for response in surfaces:
        assert response.status_code == 200, response.request["PATH_INFO"]
        body = response.content.decode()
        assert "المصدر الثاني يناقض" not in body, response.request["PATH_INFO"]
    # The newsroom's own API does not carry them either: notes live in the admin.
    claim = editor_api.get(f"/api/v1/claims/{factcheck.claim_id}/")
    assert claim.status_code == 200
    assert "المصدر الثاني يناقض" not in claim.content.decode()
