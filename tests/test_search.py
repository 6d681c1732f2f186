"""Full-text search in Arabic and English, on PostgreSQL's own configurations."""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils.translation import override
from rest_framework.test import APIClient

from factcheck.models import (
    Claim,
    CorrectionKind,
    FactCheck,
    Language,
    Priority,
    Status,
)
from factcheck.pages import render_missing_pages
from factcheck.public import views
from factcheck.services.corrections import correct
from tests import factories
from tests.api import editor_api  # noqa: F401 (fixture)
from tests.test_admin_queue import PINNED_QUEUE_QUERIES

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


def test_it_finds_drafts_for_the_desk_and_never_for_readers(factchecks):
    assert found(FactCheck.objects.search("grain"), factchecks) == ["grain_en"]
    assert list(FactCheck.objects.public_search("grain")) == []


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


# --- One search, every door ----------------------------------------------------------
#
# The public site, the public API, the newsroom API's claim queue and the admin queue
# all find, and rank, through the same QuerySet methods: the same word finds the same
# fact-checks everywhere, in the same order.

SITE_LIST = reverse("factcheck_list")
API_FACTCHECKS = "/api/v1/factchecks/"
API_CLAIMS = "/api/v1/claims/"
QUEUE = reverse("admin:factcheck_claim_changelist")


@pytest.fixture
def published_factchecks():
    """Three published fact-checks whose words are placed so that each search word
    is in one field only: the claim's text, the headline, or the body."""
    icc = factories.public_factcheck(
        Language.ARABIC,
        claim_fields={"text": ICC_AR},
        headline="مذكرة توقيف بحق بوتين: صحيح",
        summary="صحيح: صدرت المذكرة في آذار 2023.",
        body="صدرت عن الدائرة التمهيدية الثانية.",
    )
    rome = factories.public_factcheck(
        Language.ENGLISH,
        claim_fields={"text": ROME_EN},
        headline="Ankara and the ICC",
        summary="True: Turkey never joined.",
        body="It signed nothing and ratified nothing.",
    )
    # Published last, so newest first would put it first: ranking must not.
    grain = factories.public_factcheck(
        Language.ENGLISH,
        claim_fields={"text": GRAIN_EN},
        headline="The grain deal",
        summary="True.",
        body="Turkey brokered the talks in Istanbul.",
    )
    return {"icc": icc, "rome": rome, "grain": grain}


def site_finds(client, rows: dict, words: str) -> list[str]:
    response = client.get(SITE_LIST, {"q": words})
    assert response.status_code == 200
    names = {row.slug: name for name, row in rows.items()}
    return [names[fc.slug] for fc in response.context["page"].object_list]


@pytest.mark.parametrize(
    "words",
    ["Turkey", "بوتين", "الجنائيه", '"grain deal"', "Turkey -grain", "Rome or grain"],
)
def test_a_search_of_words_alone_finds_what_the_same_words_with_a_filter_find(
    client, published_factchecks, monkeypatch, words
):
    """Words alone run a statement compiled once with stand-ins for them
    (words_only_search); with a filter, the FilterSet's QuerySet is compiled for
    the request. A filter that excludes nothing must change nothing."""
    monkeypatch.setattr(views, "PER_PAGE", 1)
    names = {row.slug: name for name, row in published_factchecks.items()}

    def found(**filters) -> list[tuple[str, int]]:
        shown = []
        for number in (1, 2, 3):
            page = client.get(SITE_LIST, {"q": words, "page": number, **filters})
            page = page.context["page"]
            shown += [(names[fc.slug], page.paginator.count) for fc in page]
        return shown

    alone = found()

    assert alone == found(published_from="2000-01-01")
    assert alone  # each of these words finds something


def api_finds(client, rows: dict, words: str) -> list[str]:
    response = client.get(API_FACTCHECKS, {"q": words})
    assert response.status_code == 200
    names = {row.slug: name for name, row in rows.items()}
    body = response.json()
    assert body["count"] == len(body["results"])
    return [names[fc["slug"]] for fc in body["results"]]


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("بوتين", ["icc"]),  # in the claim and the headline
        ("اعتقال", ["icc"]),  # only in the claim's text, Arabic
        ("الجنائيه", ["icc"]),  # the claim's text, with a final ha for ta marbuta
        ("توقيف", ["icc"]),  # only in the headline, Arabic
        ("Statute", ["rome"]),  # only in the claim's text, English
        ("statutes", ["rome"]),  # another inflection of it
        ("Ankara", ["rome"]),  # only in the headline, English
        ("Istanbul", ["grain"]),  # only in the body
        # In the claim and the summary of one, only the body of the newer one:
        # best match first, on both doors.
        ("Turkey", ["rome", "grain"]),
        ("wheat exports", []),
    ],
)
def test_it_finds_the_same_fact_checks_in_the_same_order_on_the_site_and_in_the_api(
    client, published_factchecks, words, expected
):
    assert site_finds(client, published_factchecks, words) == expected
    assert api_finds(APIClient(), published_factchecks, words) == expected


def test_it_ranks_the_api_by_the_search_unless_an_order_is_asked_for(
    published_factchecks,
):
    ordered = APIClient().get(
        API_FACTCHECKS, {"q": "Turkey", "ordering": "-published_at"}
    )
    slugs = [fc["slug"] for fc in ordered.json()["results"]]
    assert slugs == [
        published_factchecks["grain"].slug,
        published_factchecks["rome"].slug,
    ]


@pytest.fixture
def desk_claims():
    """Claims in the queue: one found by its text, one by its draft's headline."""
    icc = factories.claim(text=ICC_AR, language=Language.ARABIC)
    rome = factories.claim_at(Status.IN_RESEARCH, text=ROME_EN)
    FactCheck.objects.filter(claim=rome).update(
        headline="Ankara and the ICC", summary="Turkey never joined.", body=""
    )
    # Urgent, so the queue's own order would list it first: ranking must not.
    grain = factories.claim(
        text="Turkey brokered the grain deal",
        language=Language.ENGLISH,
        priority=Priority.URGENT,
    )
    return {"icc": icc, "rome": rome, "grain": grain}


def queue_finds(client, rows: dict, words: str) -> list[str]:
    response = client.get(QUEUE, {"q": words})
    assert response.status_code == 200
    names = {row.pk: name for name, row in rows.items()}
    return [names[claim.pk] for claim in response.context["cl"].result_list]


def newsroom_finds(client, rows: dict, words: str) -> list[str]:
    response = client.get(API_CLAIMS, {"q": words})
    assert response.status_code == 200
    names = {row.pk: name for name, row in rows.items()}
    return [names[claim["id"]] for claim in response.json()["results"]]


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("اعتقال", ["icc"]),  # a word of the claim's text, Arabic
        ("الجنائيه", ["icc"]),  # the same with a final ha for ta marbuta
        ("Statute", ["rome"]),  # a word of the claim's text, English
        ("Ankara", ["rome"]),  # only in the draft's headline
        # In the claim and the draft's summary of one, only the text of the
        # urgent one: best match first, on both doors.
        ("Turkey", ["rome", "grain"]),
        ("wheat exports", []),
    ],
)
def test_it_finds_the_same_claims_in_the_admin_queue_and_the_newsroom_api(
    client,
    editor,
    editor_api,  # noqa: F811
    desk_claims,
    words,
    expected,
):
    client.force_login(editor)
    assert queue_finds(client, desk_claims, words) == expected
    assert newsroom_finds(editor_api, desk_claims, words) == expected


def test_it_still_finds_a_claim_by_its_number_in_the_admin_queue(
    client, editor, desk_claims
):
    client.force_login(editor)
    number = str(desk_claims["rome"].pk)
    assert queue_finds(client, desk_claims, number) == ["rome"]


def test_it_searches_each_door_in_a_fixed_number_of_queries(
    client,
    editor,
    editor_api,  # noqa: F811
    django_assert_num_queries,
):
    for n in range(3):
        factories.public_factcheck(
            Language.ENGLISH, claim_fields={"text": f"{ROME_EN} {n}"}, sources=2
        )
        factories.claim(text=f"{GRAIN_AR} {n}")
    render_missing_pages()  # as in service: each page is stored as it is published
    client.force_login(editor)
    client.get(QUEUE)  # warm the session and content-type caches
    editor_api.get(API_CLAIMS)
    client.get(SITE_LIST)  # and the site's filter choices

    # One page of results with its total (see test_public_pages.py).
    with django_assert_num_queries(1):
        assert client.get(SITE_LIST, {"q": "Rome"}).context["page"].paginator.count
    # The public list's queries (see test_api_public.py).
    with django_assert_num_queries(PINNED_PUBLIC_LIST_QUERIES):
        assert APIClient().get(API_FACTCHECKS, {"q": "Rome"}).json()["count"] == 3
    # The newsroom queue's (see test_api_newsroom.py).
    with django_assert_num_queries(PINNED_NEWSROOM_QUEUE_QUERIES):
        assert editor_api.get(API_CLAIMS, {"q": "الحبوب"}).json()["count"] == 3
    with django_assert_num_queries(PINNED_ADMIN_QUEUE_QUERIES):
        assert client.get(QUEUE, {"q": "الحبوب"}).context["cl"].result_count == 3


PINNED_PUBLIC_LIST_QUERIES = 8  # test_api_public.py: no Last-Modified query
PINNED_NEWSROOM_QUEUE_QUERIES = 7
# A search costs the queue nothing more (see test_admin_queue.py).
PINNED_ADMIN_QUEUE_QUERIES = PINNED_QUEUE_QUERIES


# --- Bounded cost ------------------------------------------------------------------
#
# Search matches through SearchDocument's narrow rows, kept by triggers, and ranks
# only the SEARCH_LIMIT newest matches (see FactCheckQuerySet.search).


def test_it_finds_a_fact_check_by_its_words_as_corrected(client, editor):
    factcheck = factories.public_factcheck(
        Language.ENGLISH,
        claim_fields={"text": GRAIN_EN},
        headline="The grain deal",
        summary="True.",
        body="Turkey brokered the talks in Istanbul.",
    )
    correct(
        factcheck,
        actor=editor,
        kind=CorrectionKind.CORRECTION,
        note="The talks were in Ankara; the claim was about the corridor.",
        body="The talks were held in Ankara.",
        claim_changes={"text": "The Black Sea corridor reopened in July 2022"},
    )

    assert site_finds(client, {"grain": factcheck}, "Ankara") == ["grain"]
    assert site_finds(client, {"grain": factcheck}, "corridor") == ["grain"]
    assert site_finds(client, {"grain": factcheck}, "Istanbul") == []
    assert site_finds(client, {"grain": factcheck}, "signed") == []


def test_it_ranks_the_newest_matches_and_says_when_there_are_more(client, monkeypatch):
    monkeypatch.setattr("factcheck.models.factchecks.SEARCH_LIMIT", 2)
    monkeypatch.setattr("factcheck.public.views.SEARCH_LIMIT", 2)
    oldest = factories.public_factcheck(
        Language.ENGLISH, headline="Turkey and the ICC", body="Ankara."
    )
    # In the headline, but older than the other body-only match: ranked first.
    headline = factories.public_factcheck(
        Language.ENGLISH, headline="Turkey and the grain deal", body="Ankara."
    )
    newest = factories.public_factcheck(
        Language.ENGLISH, headline="The grain deal", body="Turkey brokered it."
    )
    rows = {"oldest": oldest, "headline": headline, "newest": newest}

    response = client.get(SITE_LIST, {"q": "Turkey"})

    names = {row.slug: name for name, row in rows.items()}
    shown = [names[fc.slug] for fc in response.context["page"].object_list]
    assert shown == ["headline", "newest"]
    assert (
        "2 or more fact-checks match: the newest 2 are shown, best match first."
        in response.text
    )
    # A search found by fewer fact-checks than the limit is counted as usual.
    assert "1 fact-check" in client.get(SITE_LIST, {"q": "brokered"}).text


def test_it_takes_the_newest_matches_whether_found_by_the_claim_or_the_fact_check(
    client, monkeypatch
):
    monkeypatch.setattr("factcheck.models.factchecks.SEARCH_LIMIT", 2)
    monkeypatch.setattr("factcheck.public.views.SEARCH_LIMIT", 2)

    def published(claim: str, body: str):
        return factories.public_factcheck(
            Language.ENGLISH, claim_fields={"text": claim}, body=body
        )

    # Oldest first. Each of the claim's text and the fact-check's own texts has
    # its own newest two; the page shows the newest two of all, each once.
    rows = {
        "both": published("The corridor reopened", "The corridor is open."),
        "body_old": published("Ships sailed", "Through the corridor."),
        "claim": published("The corridor closed", "Ships sailed."),
        "body_new": published("Ships waited", "Outside the corridor."),
    }

    assert site_finds(client, rows, "corridor") == ["claim", "body_new"]
    monkeypatch.setattr("factcheck.models.factchecks.SEARCH_LIMIT", 10)
    monkeypatch.setattr("factcheck.public.views.SEARCH_LIMIT", 10)
    everything = site_finds(client, rows, "Corridor")  # another address: not cached
    assert sorted(everything) == ["body_new", "body_old", "both", "claim"]


def test_it_says_in_arabic_when_a_search_reaches_its_limit(client, monkeypatch):
    monkeypatch.setattr("factcheck.models.factchecks.SEARCH_LIMIT", 1)
    monkeypatch.setattr("factcheck.public.views.SEARCH_LIMIT", 1)
    for _ in range(2):
        factories.public_factcheck(Language.ARABIC, claim_fields={"text": ICC_AR})

    with override(Language.ARABIC):
        response = client.get(reverse("factcheck_list"), {"q": "الجنائيه"})

    assert "1 تحققًا أو أكثر تطابق البحث" in response.text


def test_it_finds_search_documents_through_indexes_priced_as_reading_vectors():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT procost FROM pg_proc "
            "WHERE proname = 'factcheck_searchdocument_words'"
        )
        (cost,) = cursor.fetchone()
        cursor.execute(
            "SELECT indexdef FROM pg_indexes "
            "WHERE tablename = 'factcheck_searchdocument' AND indexdef LIKE '%gin%' "
            "ORDER BY indexname"
        )
        indexes = [definition for (definition,) in cursor.fetchall()]

    # A hundred times an ordinary operator: PostgreSQL would otherwise read every
    # document's vectors rather than look a common word up in the index.
    assert cost >= 100
    assert [d.split("USING gin ")[1] for d in indexes] == [
        "(factcheck_searchdocument_words(claim_search))",
        "(factcheck_searchdocument_words(factcheck_search))",
    ]


def test_it_keeps_search_documents_narrow():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reloptions FROM pg_class WHERE relname = 'factcheck_searchdocument'"
        )
        (options,) = cursor.fetchone()

    assert options == ["toast_tuple_target=128"]


@pytest.mark.parametrize(
    "query", ["الجنائيه", "الجنائية", "مصطفي", "مصطفى", "المحكمه", "arrest"]
)
def test_the_public_search_takes_both_halves_of_the_readers_words(query):
    """The newest matches are found by a statement compiled once per process
    with stand-ins for the words: each half (the Arabic, folded, and the English)
    must still get its own."""
    arabic = factories.public_factcheck(
        Language.ARABIC,
        claim_fields={"text": "قال مصطفى إن المحكمة الجنائية الدولية أصدرت مذكرة"},
    )
    english = factories.public_factcheck(
        Language.ENGLISH, claim_fields={"text": "The court issued an arrest warrant"}
    )

    found = list(FactCheck.objects.public_search(query))

    assert found == [english if query == "arrest" else arabic]
