"""Full-text search in Arabic and English, on PostgreSQL's own configurations."""

import pytest
from django.db import connection

from factcheck.models import Claim, FactCheck, Language, Status
from tests import factories

pytestmark = pytest.mark.django_db

ICC_AR = "وكانت المحكمة الجنائية الدولية أصدرت مذكرة اعتقال ضد بوتين"
ROME_EN = (
    "Turkey is not a party to the Rome Statute of the International Criminal Court"
)
GRAIN_AR = "ووقعت روسيا وأوكرانيا اتفاق الحبوب في البحر الأسود مع الأمم المتحدة"
GRAIN_EN = "The Black Sea grain deal was signed with the UN in July 2022"


@pytest.fixture
def claims():
    return {
        "icc_ar": factories.claim(text=ICC_AR, language=Language.ARABIC),
        "rome_en": factories.claim(text=ROME_EN, language=Language.ENGLISH),
        "grain_ar": factories.claim(text=GRAIN_AR, language=Language.ARABIC),
        "grain_en": factories.claim(text=GRAIN_EN, language=Language.ENGLISH),
    }


@pytest.fixture
def factchecks():
    icc = factories.claim_at(Status.IN_RESEARCH, language=Language.ARABIC)
    rome = factories.claim_at(Status.IN_RESEARCH, language=Language.ENGLISH)
    grain = factories.claim_at(Status.IN_RESEARCH, language=Language.ENGLISH)
    FactCheck.objects.filter(claim=icc).update(
        headline="مذكرة توقيف بحق بوتين: صحيح",
        summary="صحيح: صدرت المذكرة في آذار 2023.",
        body=ICC_AR + ".",
    )
    FactCheck.objects.filter(claim=rome).update(
        headline="Turkey and the ICC",
        summary="True: Turkey never joined.",
        body=ROME_EN + "; it signed nothing and ratified nothing.",
    )
    FactCheck.objects.filter(claim=grain).update(
        headline="The grain deal", summary="True.", body=GRAIN_EN
    )
    return {
        name: FactCheck.objects.get(claim=claim)
        for name, claim in {"icc_ar": icc, "rome_en": rome, "grain_en": grain}.items()
    }


def found(queryset, rows: dict) -> list[str]:
    names = {row.pk: name for name, row in rows.items()}
    return sorted(names[pk] for pk in queryset.values_list("pk", flat=True))


@pytest.mark.parametrize(
    "query",
    [
        "المحكمة الجنائية",
        # Another inflection: no definite article, the court as a bare noun.
        "محكمة",
        # The adjective without its article and feminine ending.
        "جنائي",
        "مذكرة اعتقال",
    ],
)
def test_it_finds_an_arabic_claim_by_arabic_words(claims, query):
    assert found(Claim.objects.search(query), claims) == ["icc_ar"]


@pytest.mark.parametrize(
    "query", ["Rome Statute", "statutes", "criminal courts", "international"]
)
def test_it_finds_an_english_claim_by_english_words(claims, query):
    assert found(Claim.objects.search(query), claims) == ["rome_en"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("اتفاق الحبوب", ["grain_ar"]),
        ("grain deal", ["grain_en"]),
        ("Rome -Turkey", []),
        ("الأمم المتحدة", ["grain_ar"]),
        ("wheat exports", []),
    ],
)
def test_it_returns_only_the_claims_that_match(claims, query, expected):
    assert found(Claim.objects.search(query), claims) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("المحكمة الجنائية", ["icc_ar"]),
        ("بوتين", ["icc_ar"]),
        ("Rome Statute", ["rome_en"]),
        ("statutes", ["rome_en"]),
        ("ratified", ["rome_en"]),
        ("grain", ["grain_en"]),
    ],
)
def test_it_searches_fact_checks_in_their_own_language(factchecks, query, expected):
    assert found(FactCheck.objects.search(query), factchecks) == expected


def test_it_indexes_both_searches_with_gin():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE indexname IN ('claim_search_gin', 'factcheck_search_gin') "
            "ORDER BY indexname"
        )
        indexes = cursor.fetchall()

    assert [name for name, _ in indexes] == ["claim_search_gin", "factcheck_search_gin"]
    assert all("USING gin (search)" in definition for _, definition in indexes)


def test_it_needs_no_database_extension():
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension ORDER BY extname")
        extensions = [name for (name,) in cursor.fetchall()]

    assert extensions == ["plpgsql"]
