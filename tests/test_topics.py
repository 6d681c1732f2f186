"""A topic is one record named in both languages: its page lists the fact-checks
of both, each topic named in the reader's language, on the site, in its filters
and in the API; the migration merged the demo's per-language pairs."""

import importlib

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import IntegrityError
from django.urls import reverse
from django.utils import translation

from factcheck.models import Claim, Language, Tag
from tests import factories

pytestmark = pytest.mark.django_db

topics_migration = importlib.import_module("factcheck.migrations.0018_topics")


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


@pytest.fixture
def turkey():
    return factories.tag(name_en="Turkey", name_ar="تركيا", slug="turkey")


def tagged(topic: Tag, language: str, headline: str):
    factcheck = factories.public_factcheck(language, headline=headline, tags=0)
    factcheck.claim.tags.add(topic)
    return factcheck


def url(name: str, language: str, **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


@pytest.mark.parametrize("language", ["ar", "en"])
def test_it_lists_the_fact_checks_of_both_languages_on_a_topic_page(
    client, turkey, language
):
    tagged(turkey, Language.ARABIC, "تركيا ليست طرفا")
    tagged(turkey, Language.ENGLISH, "Turkey is not a party")
    html = client.get(url("tag_detail", language, slug="turkey")).text
    assert "تركيا ليست طرفا" in html
    assert "Turkey is not a party" in html


def test_it_names_the_topic_in_the_readers_language(client, turkey):
    tagged(turkey, Language.ENGLISH, "Turkey is not a party")
    arabic = client.get(url("tag_detail", "ar", slug="turkey")).text
    english = client.get(url("tag_detail", "en", slug="turkey")).text
    assert '<h1 dir="auto">تركيا</h1>' in arabic
    assert '<h1 dir="auto">Turkey</h1>' in english


def test_it_names_a_topic_with_one_name_by_that_name_in_both(client):
    grain = factories.tag(name_ar="اتفاق الحبوب", slug="grain")
    tagged(grain, Language.ARABIC, "عنوان")
    html = client.get(url("tag_detail", "en", slug="grain")).text
    assert '<h1 dir="auto">اتفاق الحبوب</h1>' in html


def test_it_names_topics_on_a_fact_check_page_in_its_language(client, turkey):
    factcheck = tagged(turkey, Language.ARABIC, "عنوان")
    html = client.get(factcheck.get_absolute_url()).text
    assert ">تركيا</a>" in html
    assert ">Turkey</a>" not in html


@pytest.mark.parametrize(("language", "name"), [("ar", "تركيا"), ("en", "Turkey")])
def test_it_offers_the_topic_filter_in_the_readers_language(
    client, turkey, language, name
):
    tagged(turkey, Language.ARABIC, "عنوان")
    html = client.get(url("factcheck_list", language)).text
    assert f'<option value="turkey">{name}</option>' in html


def test_it_filters_the_list_by_topic_in_both_languages(client, turkey):
    tagged(turkey, Language.ARABIC, "تركيا ليست طرفا")
    tagged(turkey, Language.ENGLISH, "Turkey is not a party")
    factories.public_factcheck(Language.ENGLISH, headline="Elsewhere")
    html = client.get(url("factcheck_list", "en") + "?tag=turkey").text
    assert "تركيا ليست طرفا" in html
    assert "Turkey is not a party" in html
    assert "Elsewhere" not in html


def test_it_gives_both_names_in_the_api(client, turkey):
    factcheck = tagged(turkey, Language.ARABIC, "عنوان")
    data = client.get(
        f"/api/v1/factchecks/{factcheck.slug}/", headers={"accept-language": "ar"}
    ).json()
    topic = data["claim"]["tags"][0]
    assert topic["slug"] == "turkey"
    assert topic["name_en"] == "Turkey"
    assert topic["name_ar"] == "تركيا"
    assert topic["name"] == "تركيا"


def test_it_refuses_a_topic_without_a_name():
    with pytest.raises(IntegrityError):
        Tag.objects.create(slug="nameless")


def test_it_refuses_two_topics_of_one_name(turkey):
    with pytest.raises(IntegrityError):
        Tag.objects.create(name_ar="تركيا", slug="turkiye")


def test_the_migration_merges_the_demos_pairs_and_keeps_every_claim():
    english = Tag.objects.create(name_en="Turkey", slug="turkey")
    arabic = Tag.objects.create(name_ar="تركيا", slug="تركيا")
    both = factories.claim()
    both.tags.add(english, arabic)
    only_arabic = factories.claim()
    only_arabic.tags.add(arabic)
    alone = Tag.objects.create(name_ar="اتفاق الحبوب", slug="اتفاق-الحبوب")

    topics_migration.merge_demo_pairs(apps, None)

    merged = Tag.objects.get(slug="turkey")
    assert (merged.name_en, merged.name_ar) == ("Turkey", "تركيا")
    assert not Tag.objects.filter(slug="تركيا").exists()
    assert set(Claim.objects.filter(tags=merged)) == {both, only_arabic}
    assert both.tags.count() == 1
    assert Tag.objects.filter(pk=alone.pk).exists()


def test_the_migration_leaves_a_pair_alone_when_an_editor_renamed_one():
    english = Tag.objects.create(name_en="Türkiye", slug="turkey")
    Tag.objects.create(name_ar="تركيا", slug="تركيا")
    topics_migration.merge_demo_pairs(apps, None)
    assert Tag.objects.count() == 2
    english.refresh_from_db()
    assert english.name_ar == ""
