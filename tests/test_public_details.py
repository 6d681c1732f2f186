"""Small things a reader of the public pages sees: a correction line written with
the page's own comma, an outlet named in the page's language, one search box on
the list, and an Arabic body laid out right to left."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime

from factcheck.models import Appearance, Language
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def corrected(language: str) -> tuple[str, str]:
    """A corrected fact-check's page, and the correction's date in its language."""
    factcheck = factories.public_factcheck(language)
    correction = factories.correction(factcheck, kind="correction", note="note")
    correction.refresh_from_db()
    with translation.override(language):
        date = date_format(localtime(correction.created_at), "DATE_FORMAT")
    return factcheck.get_absolute_url(), date


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_it_writes_an_arabic_correction_line_with_the_arabic_comma(client):
    page, date = corrected(Language.ARABIC)
    html = text_of(client.get(page).text)
    assert f"تصحيح، {date}:" in html
    assert "," not in date and "،" not in date  # "30 نوفمبر 2026"
    assert "تصحيح," not in html


def test_it_writes_an_english_correction_line_with_the_english_comma(client):
    page, date = corrected(Language.ENGLISH)
    assert f"Correction, {date}:" in text_of(client.get(page).text)


def test_it_names_the_outlet_in_arabic_on_an_arabic_page(client):
    factcheck = factories.public_factcheck(Language.ARABIC, appearances=0)
    outlet = factories.outlet(name="Al Diyar", name_ar="الديار")
    with factories.assembling(factcheck.claim):
        Appearance.objects.create(
            claim=factcheck.claim,
            article=factories.article(outlet=outlet),
            is_first=True,
        )
    html = client.get(factcheck.get_absolute_url()).text
    assert "<bdi>الديار</bdi>" in html
    assert "Al Diyar" not in html


def test_it_names_the_outlet_by_its_own_name_on_an_english_page(client):
    factcheck = factories.public_factcheck(Language.ENGLISH, appearances=0)
    outlet = factories.outlet(name="Al Diyar", name_ar="الديار")
    with factories.assembling(factcheck.claim):
        Appearance.objects.create(
            claim=factcheck.claim,
            article=factories.article(outlet=outlet, language=Language.ENGLISH),
            is_first=True,
        )
    html = client.get(factcheck.get_absolute_url()).text
    assert "<bdi>Al Diyar</bdi>" in html


@pytest.mark.parametrize("language", ["ar", "en"])
def test_it_has_one_search_box_on_the_list_page(client, language):
    with translation.override(language):
        html = client.get(reverse("factcheck_list")).text
    assert len(re.findall(r'<input type="search"[^>]*name="q"|name="q"', html)) == 1


def test_it_keeps_the_header_search_box_on_other_pages(client):
    with translation.override("ar"):
        html = client.get(reverse("methodology")).text
    assert 'id="site-search"' in html


def test_it_marks_an_arabic_summary_and_body_right_to_left(client):
    factcheck = factories.public_factcheck(
        Language.ARABIC, summary="الخلاصة", body="## ما قيل\n\nنص."
    )
    html = client.get(factcheck.get_absolute_url()).text
    assert '<p class="summary" lang="ar" dir="rtl">الخلاصة</p>' in html
    assert '<div class="body" lang="ar" dir="rtl"><h2>ما قيل</h2>' in html
