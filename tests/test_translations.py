"""A fact-check linked to the same fact-check in the other language: set by an
editor through one service, both ways, and shown to readers only when both are
published (the switcher, the page's alternates, the sitemap, the API and the
ClaimReview)."""

import io
import json
import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from factcheck import pages, services
from factcheck.models import Event, EventKind, FactCheck, Language, PublicPage, Status
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


@pytest.fixture
def pair(editor):
    arabic = factories.public_factcheck(Language.ARABIC, slug="تركيا-روما")
    english = factories.public_factcheck(Language.ENGLISH, slug="turkey-rome")
    services.link_translation(arabic, translation=english, actor=editor)
    return arabic, english


def linked(factcheck: FactCheck) -> int | None:
    return FactCheck.objects.values_list("translation", flat=True).get(pk=factcheck.pk)


def test_it_links_both_fact_checks_to_each_other(pair):
    arabic, english = pair
    assert linked(arabic) == english.pk
    assert linked(english) == arabic.pk


def test_it_records_the_link_in_both_claims_histories(pair, editor):
    for factcheck in pair:
        event = Event.objects.get(claim=factcheck.claim, kind=EventKind.EDIT)
        assert event.actor == editor
        assert event.data["fields"] == ["translation"]


def test_it_unlinks_the_old_partner_when_a_new_translation_is_linked(pair, editor):
    arabic, english = pair
    other = factories.public_factcheck(Language.ENGLISH)
    services.link_translation(arabic, translation=other, actor=editor)
    assert linked(arabic) == other.pk
    assert linked(other) == arabic.pk
    assert linked(english) is None


def test_it_unlinks_both_sides(pair, editor):
    arabic, english = pair
    services.link_translation(english, translation=None, actor=editor)
    assert linked(arabic) is None
    assert linked(english) is None


def test_it_refuses_a_translation_in_the_same_language(editor):
    first = factories.public_factcheck(Language.ARABIC)
    second = factories.public_factcheck(Language.ARABIC)
    with pytest.raises(services.GuardFailed):
        services.link_translation(first, translation=second, actor=editor)
    assert linked(first) is None


def test_it_refuses_a_fact_check_as_its_own_translation(editor):
    factcheck = factories.public_factcheck(Language.ARABIC)
    with pytest.raises(services.GuardFailed):
        services.link_translation(factcheck, translation=factcheck, actor=editor)


def test_it_refuses_a_fact_checker(fact_checker):
    arabic = factories.public_factcheck(Language.ARABIC)
    english = factories.public_factcheck(Language.ENGLISH)
    with pytest.raises(services.NotAllowed):
        services.link_translation(arabic, translation=english, actor=fact_checker)
    assert linked(arabic) is None


def test_it_switches_language_to_the_translation(client, pair):
    arabic, english = pair
    html = client.get(arabic.get_absolute_url()).text
    assert f'href="{english.get_absolute_url()}" lang="en"' in html


def test_it_announces_the_translation_in_the_page_head(client, pair):
    arabic, english = pair
    html = client.get(english.get_absolute_url()).text
    alternates = re.findall(
        r'<link rel="alternate" hreflang="(\w+)" href="([^"]+)"', html
    )
    assert sorted(alternates) == [
        ("ar", settings.SITE_URL + arabic.get_absolute_url()),
        ("en", settings.SITE_URL + english.get_absolute_url()),
    ]


def test_it_names_the_translation_in_the_claim_review(client, pair):
    arabic, english = pair
    html = client.get(arabic.get_absolute_url()).text
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1]
    )
    assert data["workTranslation"]["@type"] == "ClaimReview"
    assert data["workTranslation"]["inLanguage"] == "en"
    assert data["workTranslation"]["url"].endswith(english.get_absolute_url())


def test_it_shows_the_translation_in_the_api(client, pair):
    arabic, english = pair
    data = client.get(f"/api/v1/factchecks/{arabic.slug}/").json()
    assert data["translation"]["language"] == "en"
    assert data["translation"]["slug"] == english.slug
    assert data["translation"]["url"].endswith(english.get_absolute_url())


def test_it_lists_the_translation_as_an_alternate_in_the_sitemap(client, pair):
    arabic, english = pair
    xml = client.get(reverse("sitemap")).text
    entry = re.search(
        rf"<url><loc>[^<]*{re.escape(english.get_absolute_url())}</loc>.*?</url>",
        xml,
        re.S,
    )
    assert entry is not None
    arabic_location = settings.SITE_URL + arabic.get_absolute_url()
    assert f'hreflang="ar" href="{arabic_location}"' in entry[0]
    assert 'hreflang="en"' in entry[0]


@pytest.mark.parametrize("hidden", [Status.APPROVED, Status.RETRACTED])
def test_it_reveals_no_unpublished_translation(client, editor, hidden):
    published = factories.public_factcheck(Language.ARABIC)
    unpublished = factories.factcheck_at(
        hidden, claim_fields={"language": Language.ENGLISH}, language="en"
    )
    services.link_translation(published, translation=unpublished, actor=editor)
    page = client.get(published.get_absolute_url()).text
    api = client.get(f"/api/v1/factchecks/{published.slug}/").json()
    sitemap = client.get(reverse("sitemap")).text
    assert unpublished.slug not in page
    assert "workTranslation" not in page
    assert 'hreflang="en"' not in page.split("</head>")[0]
    assert api["translation"] is None
    assert unpublished.slug not in sitemap


def test_it_lets_an_editor_link_the_translation_in_the_admin(client, editor):
    arabic = factories.public_factcheck(Language.ARABIC)
    english = factories.public_factcheck(Language.ENGLISH)
    client.force_login(editor)
    url = reverse("admin:factcheck_factcheck_change", args=[arabic.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: form[name].value() or ""
        for name in ("headline", "rating", "summary", "body", "loaded_version")
    }
    data.update(translation=english.pk, correction_kind="", correction_note="")
    data.update(
        {
            "corrections-TOTAL_FORMS": 0,
            "corrections-INITIAL_FORMS": 0,
            "corrections-MIN_NUM_FORMS": 0,
            "corrections-MAX_NUM_FORMS": 0,
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert linked(arabic) == english.pk
    assert linked(english) == arabic.pk


def test_it_shows_the_translation_read_only_to_a_fact_checker(client, fact_checker):
    factcheck = factories.factcheck_at(Status.IN_RESEARCH)
    client.force_login(fact_checker)
    response = client.get(
        reverse("admin:factcheck_factcheck_change", args=[factcheck.pk])
    )
    assert response.status_code == 200
    assert 'name="translation"' not in response.text


def test_it_links_the_demos_pair(settings, tmp_path):
    # Not the running desk's file of demo passwords.
    settings.DEMO_ACCOUNTS_FILE = tmp_path / "demo-accounts.json"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    english = FactCheck.objects.get(
        claim__text__startswith="Turkey is not a party", language=Language.ENGLISH
    )
    arabic = FactCheck.objects.get(pk=english.translation_id)
    assert arabic.language == Language.ARABIC
    assert arabic.translation_id == english.pk


def stored_review(factcheck: FactCheck) -> dict:
    return json.loads(PublicPage.objects.get(factcheck=factcheck).claim_review)


def test_it_names_a_translation_published_later_in_the_stored_page(editor):
    arabic = factories.public_factcheck(Language.ARABIC)
    english = factories.factcheck_at(
        Status.APPROVED, claim_fields={"language": Language.ENGLISH}, language="en"
    )
    services.link_translation(arabic, translation=english, actor=editor)
    pages.render_page(arabic.pk)
    assert "workTranslation" not in stored_review(arabic)

    services.transition(english.claim, to=Status.PUBLISHED, actor=editor)

    # The page stored before the translation existed names it now, as the
    # DataFeed, which streams the stored ClaimReview, does.
    assert stored_review(arabic)["workTranslation"]["inLanguage"] == "en"
    assert stored_review(english)["workTranslation"]["inLanguage"] == "ar"


def test_it_drops_a_retracted_translation_from_the_stored_page(editor, pair):
    arabic, english = pair
    pages.render_page(arabic.pk)
    assert "workTranslation" in stored_review(arabic)

    services.transition(
        english.claim, to=Status.RETRACTED, actor=editor, note="Withdrawn."
    )

    assert "workTranslation" not in stored_review(arabic)
