"""Arabic and English: the page's language and direction, dates, the switcher,
the message catalogue, and one stylesheet for both directions."""

import datetime
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from factcheck.admin.common import listed
from factcheck.models import Language
from tests import factories

pytestmark = pytest.mark.django_db

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "ar" / "LC_MESSAGES" / "django.po"
STYLESHEET = Path(settings.BASE_DIR) / "factcheck" / "static" / "factcheck" / "site.css"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def html_tag(html: str) -> str:
    return re.search(r"<html[^>]*>", html).group(0)


@pytest.mark.parametrize(
    "page", ["home", "factcheck_list", "methodology", "corrections", "about"]
)
def test_it_lays_out_arabic_pages_right_to_left_and_english_left_to_right(client, page):
    assert html_tag(client.get(url(page, "ar")).text) == '<html lang="ar" dir="rtl">'
    assert html_tag(client.get(url(page, "en")).text) == '<html lang="en" dir="ltr">'


def test_it_shows_the_interface_in_arabic_under_ar(client):
    html = client.get(url("home", "ar")).text
    for arabic in ("التحققات", "المنهجية", "التصحيحات", "أرسل ادعاءً", "أحدث التحققات"):
        assert arabic in html
    assert "Methodology" not in html


def test_it_serves_an_arabic_fact_check_right_to_left_from_any_link(client):
    factcheck = factories.public_factcheck(Language.ARABIC)
    moved = client.get(url("factcheck_detail", "en", slug=factcheck.slug))
    assert moved.status_code == 301
    page = client.get(moved.headers["Location"])
    assert html_tag(page.text) == '<html lang="ar" dir="rtl">'


def test_it_serves_an_english_fact_check_left_to_right(client):
    factcheck = factories.public_factcheck(Language.ENGLISH)
    page = client.get(factcheck.get_absolute_url())
    assert factcheck.get_absolute_url().startswith("/en/")
    assert html_tag(page.text) == '<html lang="en" dir="ltr">'


def test_it_marks_each_card_with_its_own_language_in_a_mixed_list(client):
    arabic = factories.public_factcheck(Language.ARABIC, headline="عنوان عربي")
    html = client.get(url("factcheck_list")).text
    assert re.search(r'<h2 class="card-title" lang="ar" dir="rtl">', html)
    assert arabic.headline in html


def test_it_shows_dates_in_the_pages_language(client):
    factories.public_factcheck(
        Language.ARABIC,
        published_at=datetime.datetime(2023, 6, 6, 12, tzinfo=datetime.UTC),
    )
    factories.public_factcheck(
        Language.ENGLISH,
        published_at=datetime.datetime(2023, 6, 6, 12, tzinfo=datetime.UTC),
    )
    assert "6 يونيو 2023" in client.get(url("factcheck_list", "ar")).text
    assert "June 6, 2023" in client.get(url("factcheck_list", "en")).text


def test_it_counts_results_with_arabic_plurals(client):
    for _ in range(2):
        factories.public_factcheck()
    assert "تحققان" in client.get(url("factcheck_list", "ar")).text
    factories.public_factcheck()
    cache.clear()
    assert "3 تحققات" in client.get(url("factcheck_list", "ar")).text


def test_it_switches_to_the_same_page_in_the_other_language(client):
    html = client.get(url("factcheck_list", "en"), {"q": "Rome"}).text
    switcher = html.split('class="languages"')[1].split("</nav>")[0]
    assert 'href="/ar/fact-checks/?q=Rome"' in switcher
    assert 'href="/en/fact-checks/?q=Rome" lang="en" hreflang="en" aria-current' in (
        switcher
    )
    assert '<link rel="alternate" hreflang="ar"' in html


def test_it_switches_a_fact_check_to_the_other_languages_home(client):
    factcheck = factories.public_factcheck(Language.ARABIC)
    html = client.get(factcheck.get_absolute_url()).text
    switcher = html.split('class="languages"')[1].split("</nav>")[0]
    assert 'href="/en/"' in switcher
    assert '<link rel="alternate" hreflang' not in html


@pytest.mark.parametrize(("accept", "home"), [("ar", "/ar/"), ("en-GB,en", "/en/")])
def test_it_sends_the_root_to_the_readers_language(client, accept, home):
    response = client.get("/", headers={"Accept-Language": accept})
    assert response.status_code == 302
    assert response.headers["Location"] == home


def test_it_translates_every_message_of_the_catalogue():
    with CATALOGUE.open("rb") as file:
        catalogue = read_po(file, locale="ar")
    assert catalogue.num_plurals == 6
    untranslated = [
        message.id
        for message in catalogue
        if message.id
        and (
            not message.string
            or message.fuzzy
            or (isinstance(message.string, tuple) and not all(message.string))
        )
    ]
    assert untranslated == []


def test_it_keeps_placeholders_in_every_translation():
    placeholder = re.compile(r"%\(\w+\)[sd]|%\(\w+\)04X")
    with CATALOGUE.open("rb") as file:
        catalogue = read_po(file, locale="ar")
    for message in catalogue:
        if not message.id or not message.pluralizable:
            if message.id:
                assert set(placeholder.findall(message.id)) == set(
                    placeholder.findall(message.string)
                ), message.id
            continue
        # Arabic may say "one" or "two" in words, but never a name the English
        # does not have.
        names = set(placeholder.findall(message.id[1]))
        for form in message.string:
            assert set(placeholder.findall(form)) <= names, message.id


def test_it_styles_both_directions_with_logical_properties_only():
    css = STYLESHEET.read_text()
    physical = re.compile(
        r"(margin|padding|border)-(left|right|top|bottom)\b"
        r"|(?<![-\w])(left|right|top|bottom)\s*:"
        r"|text-align:\s*(left|right)|float:\s*(left|right)"
    )
    assert physical.findall(css) == []


def test_it_separates_the_items_of_a_list_with_the_readers_comma():
    with translation.override("ar"):
        assert listed(["المتن", "العنوان"]) == "المتن، العنوان"
    with translation.override("en"):
        assert listed(["body", "headline"]) == "body, headline"
