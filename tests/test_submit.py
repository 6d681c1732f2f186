"""Submit a claim: the public form that puts a reader's claim in the editors' queue."""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from factcheck.models import Claim, Event, EventKind, Language, Status
from factcheck.public import submit
from tests import factories

CLAIM = "تركيا ليست طرفا في نظام روما الأساسي للمحكمة الجنائية الدولية"
WHERE = "صحيفة الديار، 6 حزيران 2023: https://addiyar.com/article/2109443"
CONTACT = "reader-7f3a@example.com"


@pytest.fixture(autouse=True)
def empty_cache(db):
    # The rate limit counts in the cache; each test starts with a fresh count.
    cache.clear()


def form_data(**overrides) -> dict[str, str]:
    data = {
        "text": CLAIM,
        "submitted_context": WHERE,
        "submitter_contact": CONTACT,
        "language": Language.ARABIC,
        "website": "",
    }
    data.update(overrides)
    return data


def radio(page: str, value: str) -> str:
    return re.search(
        f'<input type="radio" name="language" value="{value}"[^>]*>', page
    )[0]


def post(client, prefix: str = "en", address: str = "203.0.113.7", **overrides):
    return client.post(
        f"/{prefix}/submit/", form_data(**overrides), REMOTE_ADDR=address
    )


def test_it_shows_a_labelled_form_that_is_never_cached(
    client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/en/submit/")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in page
    for field, label in (
        ("text", "The claim"),
        ("submitted_context", "Where did you see or hear it?"),
        ("submitter_contact", "How can we reach you? (optional)"),
    ):
        assert f'<label for="id_{field}">{label}</label>' in page
    assert "<legend>Language of the claim</legend>" in page
    assert "checked" in radio(page, "en")
    assert "checked" not in radio(page, "ar")
    assert "We never publish it." in page
    # The honeypot is there for robots, hidden from people and from the tab order.
    assert '<div hidden aria-hidden="true">' in page
    assert 'name="website"' in page and 'tabindex="-1"' in page
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_it_preselects_the_interface_language_as_the_claim_language(client):
    page = client.get("/ar/submit/").content.decode()

    assert "checked" in radio(page, "ar")


def test_it_puts_a_submitted_claim_in_the_queue(client):
    response = post(client)

    assert response.status_code == 302
    assert response["Location"] == "/en/submit/thanks/"
    claim = Claim.objects.get()
    assert claim.status == Status.SUBMITTED
    assert claim.text == CLAIM
    assert claim.language == Language.ARABIC
    assert claim.submitted_context == WHERE
    assert claim.submitter_contact == CONTACT
    assert claim.assignee is None
    assert list(Claim.objects.queue().open()) == [claim]
    event = Event.objects.get(claim=claim)
    assert (event.kind, event.actor, event.to_status) == (
        EventKind.CREATE,
        None,
        Status.SUBMITTED,
    )


def test_it_accepts_a_claim_without_contact_details(client):
    response = post(client, prefix="ar", submitter_contact="")

    assert response["Location"] == "/ar/submit/thanks/"
    assert Claim.objects.get().submitter_contact == ""


def test_it_asks_in_arabic_on_the_arabic_page(client):
    page = client.get("/ar/submit/").content.decode()

    assert '<html lang="ar" dir="rtl">' in page
    assert '<label for="id_submitted_context">أين رأيته أو سمعته؟</label>' in page
    assert "كيف نتواصل معك؟ (اختياري)" in page
    assert "أرسل الادعاء</button>" in page


def test_it_thanks_the_reader_and_says_what_happens_next(
    client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/en/submit/thanks/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Thank you: your claim has reached our editors" in page
    assert 'href="/en/fact-checks/"' in page
    assert 'href="/en/submit/"' in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"text": ""}, "text", "This field is required."),
        ({"text": "   "}, "text", "This field is required."),
        ({"text": "too short"}, "text", "at least 10 characters"),
        ({"text": "x" * 2001}, "text", "at most 2000 characters"),
        ({"submitted_context": ""}, "submitted_context", "This field is required."),
        (
            {"text": "Turkey \u202eis not\u202c a party to the Rome Statute"},
            "text",
            "bidirectional control character U+202E",
        ),
        (
            {"submitter_contact": "x" * 255 + "@example.com"},
            "submitter_contact",
            "at most 254 characters",
        ),
        ({"language": "fr"}, "language", "Select a valid choice."),
        ({"language": ""}, "language", "This field is required."),
    ],
)
def test_it_refuses_bad_input_with_form_errors_and_stores_nothing(
    client, overrides, field, message
):
    response = post(client, **overrides)

    assert response.status_code == 400
    page = response.content.decode()
    assert "Your claim has not been sent yet" in page
    errors = page[page.index(f'id="id_{field}_error"') :]
    assert message in errors[: errors.index("</ul>")]
    assert not Claim.objects.exists()
    assert not Event.objects.exists()


def test_it_keeps_what_the_reader_typed_when_it_asks_for_a_correction(client):
    response = post(client, submitted_context="")

    page = response.content.decode()
    assert CLAIM in page
    assert CONTACT in page


def test_it_thanks_a_robot_that_fills_the_honeypot_and_stores_nothing(client):
    response = post(client, website="https://spam.example/")

    assert response.status_code == 302
    assert response["Location"] == "/en/submit/thanks/"
    assert not Claim.objects.exists()


def test_it_refuses_a_post_without_the_csrf_token():
    browser = Client(enforce_csrf_checks=True)

    response = browser.post("/en/submit/", form_data())

    assert response.status_code == 403
    assert not Claim.objects.exists()


def test_it_accepts_a_post_with_the_csrf_token_from_the_form():
    browser = Client(enforce_csrf_checks=True)
    browser.get("/en/submit/")
    token = browser.cookies["csrftoken"].value

    response = browser.post(
        "/en/submit/", form_data(csrfmiddlewaretoken=token), REMOTE_ADDR="192.0.2.1"
    )

    assert response.status_code == 302
    assert Claim.objects.count() == 1


# The start of an hour of the clock (1_800_000_000 is a multiple of 3,600).
HOUR_STARTS = 1_800_000_000.0


@pytest.fixture
def clock(monkeypatch):
    """The submit limit's clock, stopped at the start of an hour; tests move it."""
    now = [HOUR_STARTS]
    monkeypatch.setattr(submit, "clock", lambda: now[0])
    return now


def test_it_limits_how_many_claims_one_address_sends_in_an_hour(client, clock):
    for n in range(submit.SUBMISSIONS_PER_WINDOW):
        assert post(client, text=f"{CLAIM} {n}").status_code == 302

    refused = post(client, text=f"{CLAIM} one too many")

    assert refused.status_code == 429
    assert refused["Retry-After"] == "3600"
    page = refused.content.decode()
    assert 'role="alert"' in page
    assert "You have already sent 5 claims from this connection in the last hour." in (
        " ".join(page.split())
    )
    assert "Your claim has not been sent." in page
    assert f"{CLAIM} one too many" in page  # nothing the reader wrote is lost
    assert Claim.objects.count() == submit.SUBMISSIONS_PER_WINDOW
    # Another reader is not held back by the first one's submissions.
    assert post(client, address="198.51.100.4").status_code == 302


def test_it_counts_robot_submissions_against_the_limit(client):
    for _n in range(submit.SUBMISSIONS_PER_WINDOW):
        post(client, website="spam")

    assert post(client).status_code == 429
    assert not Claim.objects.exists()


def test_it_does_not_count_refused_input_against_the_limit(client):
    for _n in range(submit.SUBMISSIONS_PER_WINDOW + 2):
        assert post(client, text="").status_code == 400

    assert post(client).status_code == 302


def test_it_lets_an_address_submit_again_when_the_hour_is_over(client, clock):
    for n in range(submit.SUBMISSIONS_PER_WINDOW):
        post(client, text=f"{CLAIM} {n}")
    clock[0] += 59 * 60
    refused = post(client)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"

    clock[0] += 60

    assert post(client, text=f"{CLAIM} later").status_code == 302


def test_it_counts_the_reader_behind_our_proxy_not_the_proxy(client, settings):
    settings.PROXY_COUNT = 1
    proxy = "10.0.0.2"
    settings.PROXY_ADDRESSES = [proxy]

    def from_reader(reader: str, claimed: str = ""):
        forwarded = f"{claimed}, {reader}" if claimed else reader
        return client.post(
            "/en/submit/",
            form_data(text=f"{CLAIM} {reader} {claimed}"),
            REMOTE_ADDR=proxy,
            headers={"x-forwarded-for": forwarded},
        )

    for n in range(submit.SUBMISSIONS_PER_WINDOW):
        # Whatever the reader puts in front of the header, our proxy appends the
        # address it saw, and that is the one counted.
        assert from_reader("203.0.113.9", claimed=f"192.0.2.{n}").status_code == 302
    assert from_reader("203.0.113.9", claimed="192.0.2.99").status_code == 429
    assert from_reader("198.51.100.20").status_code == 302


def test_it_counts_an_ipv6_reader_by_their_network_not_one_address(client):
    for n in range(submit.SUBMISSIONS_PER_WINDOW):
        address = f"2001:db8:1:2::{n + 1:x}"
        assert post(client, address=address, text=f"{CLAIM} {n}").status_code == 302

    assert post(client, address="2001:db8:1:2:ffff::1").status_code == 429
    assert post(client, address="2001:db8:1:3::1").status_code == 302


def test_it_answers_405_to_other_methods(client):
    assert client.put("/en/submit/").status_code == 405
    assert client.post("/en/submit/thanks/").status_code == 405


def test_it_never_shows_the_submitters_contact_on_the_public_site(client, settings):
    settings.SITE_URL = "https://factcheck.example"
    post(client, text="Turkey is not a party to the Rome Statute")
    claim = Claim.objects.get()
    factcheck = factories.ready_draft(
        claim,
        approved_by=factories.user("approver", "Editors"),
        approved_at=claim.created_at,
        published_at=claim.created_at,
    )
    Claim.objects.filter(pk=claim.pk).update(status=Status.PUBLISHED)
    cache.clear()

    pages = [
        factcheck.get_absolute_url(),
        "/en/",
        "/ar/",
        "/en/fact-checks/",
        "/en/fact-checks/?q=Rome+Statute",
        "/feeds/rss/",
        "/feeds/atom/",
        "/feeds/ar/rss/",
        "/sitemap.xml",
        "/en/submit/thanks/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert CONTACT not in response.content.decode(), url
    assert (
        factcheck.headline in client.get(factcheck.get_absolute_url()).content.decode()
    )
