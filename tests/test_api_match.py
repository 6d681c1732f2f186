"""The public "has this been checked?" endpoint: published fact-checks only, found
across Arabic and English with the desk's real multilingual embedder."""

import pytest
from django.core.cache import cache

from factcheck.models import Language, Status
from factcheck.services.intake import MATCH_TEXT_MAX_LENGTH
from tests import factories
from tests.api import anonymous, editor_api  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

MATCH = "/api/v1/factchecks/match/"
ROME_EN = (
    "Turkey is not a party to the Rome Statute of the International Criminal Court"
)
ROME_AR = "تركيا ليست طرفا في نظام روما الأساسي للمحكمة الجنائية الدولية"
GRAIN_AR = "وقعت تركيا اتفاقية الحبوب في البحر الأسود مع الأمم المتحدة في يوليو 2022"
GRAIN_EN = "The Black Sea grain deal was signed with the United Nations in July 2022"


@pytest.fixture(autouse=True)
def fresh_throttles():
    cache.clear()


def published(text: str, language: str, headline: str):
    return factories.public_factcheck(
        language,
        claim_fields={"text": text, "language": language},
        headline=headline,
    )


def test_arabic_text_finds_the_english_fact_check(anonymous):  # noqa: F811
    english = published(ROME_EN, Language.ENGLISH, "Turkey and the ICC")
    published(GRAIN_EN, Language.ENGLISH, "The grain deal")

    response = anonymous.get(MATCH, {"text": ROME_AR})

    assert response.status_code == 200
    first = response.json()["results"][0]
    assert first["slug"] == english.slug
    assert first["language"] == "en"
    assert first["headline"] == "Turkey and the ICC"
    assert first["claim"] == ROME_EN
    assert first["url"].endswith(english.get_absolute_url())
    assert first["rating"]["value"] == english.rating.value
    assert first["rating"]["label"] == english.rating.label("en")
    assert 0.65 <= first["score"] <= 1


def test_english_text_finds_the_arabic_fact_check(anonymous):  # noqa: F811
    arabic = published(GRAIN_AR, Language.ARABIC, "اتفاقية الحبوب")
    published(ROME_AR, Language.ARABIC, "تركيا والمحكمة")

    results = anonymous.get(MATCH, {"text": GRAIN_EN}).json()["results"]

    assert results[0]["slug"] == arabic.slug
    assert results[0]["language"] == "ar"
    assert results[0]["rating"]["label"] == arabic.rating.label("ar")


@pytest.mark.parametrize(
    "status",
    [Status.IN_RESEARCH, Status.IN_REVIEW, Status.APPROVED, Status.RETRACTED],
)
def test_it_never_returns_an_unpublished_claim_with_the_same_text(
    anonymous,  # noqa: F811
    status,
):
    factories.factcheck_at(
        status,
        claim_fields={"text": ROME_EN, "language": Language.ENGLISH},
        headline="Not for readers",
    )
    factories.claim(text=ROME_EN, language=Language.ENGLISH)

    response = anonymous.get(MATCH, {"text": ROME_EN})

    assert response.status_code == 200
    assert response.json() == {"results": []}
    assert b"Not for readers" not in response.content


def test_it_leaves_out_what_is_not_the_same_claim(anonymous):  # noqa: F811
    published(GRAIN_EN, Language.ENGLISH, "The grain deal")

    results = anonymous.get(MATCH, {"text": ROME_AR}).json()["results"]

    assert results == []


def test_it_returns_at_most_limit_results(anonymous):  # noqa: F811
    for n in range(3):
        published(f"{ROME_EN} ({n})", Language.ENGLISH, f"ICC {n}")

    results = anonymous.get(MATCH, {"text": ROME_EN, "limit": 2}).json()["results"]

    assert len(results) == 2
    assert results[0]["score"] >= results[1]["score"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({}, "text"),
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "\u200f\u200b \u200e\u2060\ufeff"}, "text"),
        ({"text": "x" * (MATCH_TEXT_MAX_LENGTH + 1)}, "text"),
        ({"text": "ok", "limit": 0}, "limit"),
        ({"text": "ok", "limit": "many"}, "limit"),
    ],
)
def test_it_refuses_bad_input_with_a_field_message(
    anonymous,  # noqa: F811
    query,
    field,
):
    response = anonymous.get(MATCH, query)

    assert response.status_code == 400
    assert response.json()[field]


def test_it_says_why_invisible_text_is_refused(anonymous):  # noqa: F811
    message = anonymous.get(MATCH, {"text": "\u200f\u200b\u200e"}).json()["text"][0]

    assert message == "The text has nothing to read: only spaces or invisible marks."


def test_it_says_the_limit_in_its_message(anonymous):  # noqa: F811
    text = "x" * (MATCH_TEXT_MAX_LENGTH + 1)

    message = anonymous.get(MATCH, {"text": text}).json()["text"][0]

    assert str(MATCH_TEXT_MAX_LENGTH) in message


def test_it_is_cacheable_by_browsers_and_cdns_and_answers_304(
    anonymous,  # noqa: F811
):
    published(ROME_EN, Language.ENGLISH, "Turkey and the ICC")

    response = anonymous.get(MATCH, {"text": ROME_AR})

    assert "public" in response["Cache-Control"]
    assert "max-age=" in response["Cache-Control"]
    again = anonymous.get(MATCH, {"text": ROME_AR}, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_it_answers_the_same_to_anyone_and_refuses_writes(
    anonymous,  # noqa: F811
    editor_api,  # noqa: F811
):
    published(ROME_EN, Language.ENGLISH, "Turkey and the ICC")

    with_key = editor_api.get(MATCH, {"text": ROME_AR})
    without = anonymous.get(MATCH, {"text": ROME_AR})

    assert with_key.status_code == without.status_code == 200
    assert with_key.json() == without.json()
    assert anonymous.post(MATCH, {"text": ROME_AR}).status_code == 405
    assert editor_api.post(MATCH, {"text": ROME_AR}).status_code == 405


def test_it_has_its_own_throttle(anonymous, settings):  # noqa: F811
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            "anon": "100/min",
            "user": "100/min",
            "match": "2/min",
        },
    }

    codes = [anonymous.get(MATCH, {"text": ROME_EN}).status_code for _ in range(3)]

    assert codes == [200, 200, 429]
    assert anonymous.get("/api/v1/ratings/").status_code == 200


def test_it_reads_the_database_a_fixed_number_of_times(
    anonymous,  # noqa: F811
    django_assert_num_queries,
):
    for n in range(4):
        published(f"{ROME_EN} ({n})", Language.ENGLISH, f"ICC {n}")

    # The first question loads the index of published claims' vectors once;
    # then the fact-checks found, with their claims and ratings (Last-Modified
    # is when the cached answer was built: no query).
    with django_assert_num_queries(2):
        response = anonymous.get(MATCH, {"text": ROME_AR, "limit": 4})
    with django_assert_num_queries(1):
        again = anonymous.get(MATCH, {"text": ROME_EN, "limit": 4})

    assert len(response.json()["results"]) == 4
    assert len(again.json()["results"]) == 4


def test_an_empty_limit_is_a_mistake_not_the_default(anonymous):  # noqa: F811
    response = anonymous.get(MATCH, {"text": ROME_EN, "limit": ""})

    assert response.status_code == 400
    assert response.json()["limit"]
