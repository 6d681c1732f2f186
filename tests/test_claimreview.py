"""The ClaimReview markup aggregators read: complete, absolute, and in the page's
language, and impossible to break out of its <script> element."""

import datetime
import json
from html.parser import HTMLParser

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.encoding import iri_to_uri

from factcheck import services
from factcheck.claimreview import claim_review, claim_review_json, short_claim
from factcheck.models import (
    Appearance,
    Claim,
    ClaimantKind,
    CorrectionKind,
    FactCheck,
    Language,
    Status,
)
from tests import factories

UTC = datetime.UTC
SITE = "https://factcheck.example"
PUBLISHER = {"name": "Example Fact Desk", "url": SITE}
PUBLISHED_AT = datetime.datetime(2025, 1, 15, 9, 30, 5, tzinfo=UTC)
UPDATED_AT = datetime.datetime(2025, 1, 16, 18, 0, 0, tzinfo=UTC)


def published(claim: Claim, *, updated_at=UPDATED_AT) -> FactCheck:
    """Publish an approved claim at fixed dates, and read it the way a page does."""
    FactCheck.objects.filter(claim=claim).update(
        published_at=PUBLISHED_AT, updated_at=updated_at
    )
    Claim.objects.filter(pk=claim.pk).update(status=Status.PUBLISHED)
    return FactCheck.objects.for_page().get(claim=claim)


def approved(**fields) -> Claim:
    factories.rating(1)
    factories.rating(3)
    return factories.claim_at(Status.APPROVED, **fields)


@pytest.fixture
def al_diyar(db):
    return factories.outlet(name="Al Diyar", domain="addiyar.example")


@pytest.fixture
def arabic_claim(db, al_diyar):
    claimant = factories.claimant(
        name="يوري أوشاكوف",
        slug="yuri-ushakov",
        role="مستشار السياسة الخارجية في الكرملين",
        same_as="https://en.wikipedia.org/wiki/Yuri_Ushakov",
    )
    claim = approved(
        text="تركيا ليست طرفا في نظام روما الأساسي",
        language=Language.ARABIC,
        claimant=claimant,
        claimed_on=datetime.date(2023, 6, 5),
    )
    FactCheck.objects.filter(claim=claim).update(
        headline="صحيح: تركيا ليست دولة طرفا في نظام روما الأساسي"
    )
    first = factories.article(
        outlet=al_diyar,
        url="https://addiyar.example/article/2109443",
        title="الكرملين: بوتين وأردوغان اتفقا على زيارة قريبة لأنقرة",
        published_on=datetime.date(2023, 6, 6),
    )
    repeat = factories.article(
        url="https://ledger.example/2023/06/putin-turkey",
        title="Putin to visit Turkey soon",
        language=Language.ENGLISH,
        published_on=datetime.date(2023, 6, 7),
    )
    undated = factories.article(
        url="https://ledger.example/2023/06/undated", title="Undated repeat"
    )
    # Created out of order: the first appearance is not the first row.
    Appearance.objects.create(claim=claim, article=repeat, quote="not a party")
    Appearance.objects.create(claim=claim, article=first, is_first=True, quote="…")
    Appearance.objects.create(claim=claim, article=undated)
    return claim


def test_it_describes_the_fact_check_with_every_property(arabic_claim):
    factcheck = published(arabic_claim)
    repeat, undated = [
        a.article for a in factcheck.claim.appearances.all() if not a.is_first
    ]

    review = claim_review(factcheck, site_url=SITE, publisher=PUBLISHER)

    assert review == {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": SITE + iri_to_uri(f"/ar/fact-checks/{factcheck.slug}/"),
        "claimReviewed": "تركيا ليست طرفا في نظام روما الأساسي",
        "datePublished": "2025-01-15T09:30:05+00:00",
        "dateModified": "2025-01-16T18:00:00+00:00",
        "inLanguage": "ar",
        "headline": "صحيح: تركيا ليست دولة طرفا في نظام روما الأساسي",
        "author": {
            "@type": "Organization",
            "name": "Example Fact Desk",
            "url": "https://factcheck.example",
        },
        "itemReviewed": {
            "@type": "Claim",
            "author": {
                "@type": "Person",
                "name": "يوري أوشاكوف",
                "sameAs": "https://en.wikipedia.org/wiki/Yuri_Ushakov",
            },
            "datePublished": "2023-06-05",
            "firstAppearance": {
                "@type": "NewsArticle",
                "url": "https://addiyar.example/article/2109443",
                "headline": "الكرملين: بوتين وأردوغان اتفقا على زيارة قريبة لأنقرة",
                "inLanguage": "ar",
                "datePublished": "2023-06-06",
                "publisher": {"@type": "Organization", "name": "Al Diyar"},
            },
            "appearance": [
                {
                    "@type": "NewsArticle",
                    "url": "https://ledger.example/2023/06/putin-turkey",
                    "headline": "Putin to visit Turkey soon",
                    "inLanguage": "en",
                    "datePublished": "2023-06-07",
                    "publisher": {
                        "@type": "Organization",
                        "name": repeat.outlet.name,
                    },
                },
                {
                    "@type": "NewsArticle",
                    "url": "https://ledger.example/2023/06/undated",
                    "headline": "Undated repeat",
                    "inLanguage": "ar",
                    "publisher": {
                        "@type": "Organization",
                        "name": undated.outlet.name,
                    },
                },
            ],
        },
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": 5,
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": "صحيح",
            "name": "صحيح",
        },
    }


def test_it_gives_the_arabic_label_for_an_arabic_fact_check_in_any_interface(
    arabic_claim,
):
    factcheck = published(arabic_claim)

    with translation.override("en"):
        review = claim_review(factcheck, site_url=SITE, publisher=PUBLISHER)

    assert review["inLanguage"] == "ar"
    assert review["reviewRating"]["alternateName"] == "صحيح"
    assert review["reviewRating"]["name"] == "صحيح"
    assert review["url"].startswith(f"{SITE}/ar/fact-checks/")


def test_it_gives_the_english_label_for_an_english_fact_check_in_any_interface(db):
    claim = approved(
        text="Turkey is not a party to the Rome Statute",
        language=Language.ENGLISH,
    )
    FactCheck.objects.filter(claim=claim).update(slug="turkey-rome-statute")
    factcheck = published(claim)

    with translation.override("ar"):
        review = claim_review(factcheck, site_url=SITE, publisher=PUBLISHER)

    assert review["url"] == f"{SITE}/en/fact-checks/turkey-rome-statute/"
    assert review["inLanguage"] == "en"
    assert review["reviewRating"]["alternateName"] == "True"
    assert review["reviewRating"]["name"] == "True"
    assert review["claimReviewed"] == "Turkey is not a party to the Rome Statute"


def test_it_reads_the_scale_bounds_from_the_rating_table(db):
    claim = approved()
    FactCheck.objects.filter(claim=claim).update(rating=factories.rating(3))
    factories.rating(7)
    factcheck = published(claim)

    rating = claim_review(factcheck, site_url=SITE, publisher=PUBLISHER)["reviewRating"]

    assert (rating["worstRating"], rating["ratingValue"], rating["bestRating"]) == (
        1,
        3,
        7,
    )
    assert rating["alternateName"] == "نصف صحيح"


def test_it_makes_every_url_absolute_from_the_site_url(arabic_claim):
    factcheck = published(arabic_claim)

    review = claim_review(
        factcheck, site_url="https://desk.example/", publisher=PUBLISHER
    )

    path = iri_to_uri(f"/ar/fact-checks/{factcheck.slug}/")
    assert review["url"] == "https://desk.example" + path
    assert "//ar/" not in review["url"]
    for work in [
        review["itemReviewed"]["firstAppearance"],
        *review["itemReviewed"]["appearance"],
    ]:
        assert work["url"].startswith("https://")


def test_it_takes_the_site_url_and_the_newsroom_from_settings_by_default(
    arabic_claim, settings
):
    settings.SITE_URL = "https://checks.example"
    settings.NEWSROOM_NAME = "Levant Fact Desk"
    factcheck = published(arabic_claim)

    review = claim_review(factcheck)

    assert review["url"].startswith("https://checks.example/ar/fact-checks/")
    assert review["author"] == {
        "@type": "Organization",
        "name": "Levant Fact Desk",
        "url": "https://checks.example",
    }


def test_it_names_the_newsroom_at_the_given_site_url_when_no_publisher_is_given(
    arabic_claim, settings
):
    settings.NEWSROOM_NAME = "Levant Fact Desk"
    factcheck = published(arabic_claim)

    review = claim_review(factcheck, site_url="https://other.example/")

    assert review["author"] == {
        "@type": "Organization",
        "name": "Levant Fact Desk",
        "url": "https://other.example",
    }


def test_it_omits_appearance_properties_when_the_claim_has_no_appearance(db):
    factcheck = published(approved())

    item = claim_review(factcheck, site_url=SITE, publisher=PUBLISHER)["itemReviewed"]

    assert "appearance" not in item
    assert "firstAppearance" not in item


def test_it_omits_appearance_when_the_first_is_the_only_one(db, al_diyar):
    claim = approved()
    Appearance.objects.create(
        claim=claim, article=factories.article(outlet=al_diyar), is_first=True
    )
    factcheck = published(claim)

    item = claim_review(factcheck, site_url=SITE, publisher=PUBLISHER)["itemReviewed"]

    assert "appearance" not in item
    assert item["firstAppearance"]["publisher"]["name"] == "Al Diyar"


def test_it_lists_every_appearance_when_none_is_marked_first(db):
    claim = approved()
    articles = [factories.article(), factories.article()]
    for article in articles:
        Appearance.objects.create(claim=claim, article=article)
    factcheck = published(claim)

    item = claim_review(factcheck, site_url=SITE, publisher=PUBLISHER)["itemReviewed"]

    assert "firstAppearance" not in item
    assert [work["url"] for work in item["appearance"]] == [a.url for a in articles]


def test_it_omits_the_claim_author_and_date_when_unknown(db):
    factcheck = published(approved(claimant=None, claimed_on=None))

    item = claim_review(factcheck, site_url=SITE, publisher=PUBLISHER)["itemReviewed"]

    assert item == {"@type": "Claim"}


def test_it_omits_same_as_when_the_claimant_has_no_reference_link(db):
    claim = approved(claimant=factories.claimant(name="مسؤول روسي"))
    factcheck = published(claim)

    author = claim_review(factcheck, site_url=SITE, publisher=PUBLISHER)[
        "itemReviewed"
    ]["author"]

    assert author == {"@type": "Person", "name": "مسؤول روسي"}


def test_it_calls_an_organisation_claimant_an_organization(db):
    claim = approved(
        claimant=factories.claimant(name="الديار", kind=ClaimantKind.ORGANIZATION)
    )
    factcheck = published(claim)

    author = claim_review(factcheck, site_url=SITE, publisher=PUBLISHER)[
        "itemReviewed"
    ]["author"]

    assert author == {"@type": "Organization", "name": "الديار"}


def test_it_never_dates_the_modification_before_the_publication(arabic_claim):
    # A draft edited before publication has an older updated_at.
    factcheck = published(
        arabic_claim, updated_at=PUBLISHED_AT - datetime.timedelta(days=3)
    )

    review = claim_review(factcheck, site_url=SITE, publisher=PUBLISHER)

    assert review["dateModified"] == review["datePublished"]


def test_it_dates_a_correction_as_the_modification(arabic_claim, editor):
    factcheck = published(arabic_claim)
    services.correct(
        factcheck, actor=editor, kind=CorrectionKind.UPDATE, note="أضفنا مصدرا."
    )
    factcheck = FactCheck.objects.for_page().get(pk=factcheck.pk)

    review = claim_review(factcheck, site_url=SITE, publisher=PUBLISHER)

    modified = datetime.datetime.fromisoformat(review["dateModified"])
    assert modified > UPDATED_AT
    assert modified == factcheck.updated_at.replace(microsecond=0)


def test_it_needs_one_query_for_a_fact_check_read_for_its_page(
    arabic_claim, django_assert_num_queries
):
    factcheck = published(arabic_claim)

    with django_assert_num_queries(1):  # the rating scale's bounds
        claim_review(factcheck, site_url=SITE, publisher=PUBLISHER)


def test_it_needs_no_query_when_given_the_scale_bounds(
    arabic_claim, django_assert_num_queries
):
    # A feed of many reviews reads the scale once, not once per review.
    factcheck = published(arabic_claim)
    factories.rating(9)

    with django_assert_num_queries(0):
        review = claim_review(
            factcheck, site_url=SITE, publisher=PUBLISHER, scale_bounds=(1, 5)
        )
        text = claim_review_json(
            factcheck, site_url=SITE, publisher=PUBLISHER, scale_bounds=(1, 5)
        )

    assert review["reviewRating"]["bestRating"] == 5
    assert json.loads(text) == review


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Turkey is not a party to the Rome Statute", None),
        ("x" * 75, None),
        ("  spaced\n out \t claim  ", "spaced out claim"),
        (
            "The ICC issued an arrest warrant for Putin in March 2023 over the "
            "deportation of children",
            "The ICC issued an arrest warrant for Putin in March 2023 over the…",
        ),
        (
            "تركيا ليست طرفا في نظام روما الأساسي الذي أنشأ المحكمة الجنائية الدولية "
            "وبالتالي سيكون بوتين بمنأى عن خطر الاعتقال",
            "تركيا ليست طرفا في نظام روما الأساسي الذي أنشأ المحكمة الجنائية الدولية…",
        ),
        # The cut falls exactly after a whole word: that word is kept.
        ("a" * 70 + " bcd efgh", "a" * 70 + " bcd…"),
        # Punctuation left dangling before the ellipsis goes.
        ("a" * 64 + " sentence, and more", "a" * 64 + " sentence…"),
        ("ب" * 64 + " الجملة، وكلام آخر", "ب" * 64 + " الجملة…"),
        ("x" * 100, "x" * 74 + "…"),
    ],
)
def test_it_keeps_the_claim_reviewed_short_and_cut_at_a_word(text, expected):
    short = short_claim(text)

    assert len(short) <= 75
    if expected is not None:
        assert short == expected
    if len(" ".join(text.split())) > 75:
        assert short.endswith("…")
        assert " ".join(text.split()).startswith(short[:-1])
        assert not short[:-1].endswith((" ", ",", "،"))
    else:
        assert short == " ".join(text.split())


def test_it_puts_the_short_claim_in_the_markup(db):
    text = "word " * 30
    factcheck = published(approved(text=text))

    review = claim_review(factcheck, site_url=SITE, publisher=PUBLISHER)

    assert review["claimReviewed"] == short_claim(text)
    assert review["claimReviewed"].endswith("word…")


class Scripts(HTMLParser):
    def __init__(self, html: str):
        super().__init__()
        self.scripts: list[tuple[dict, str]] = []
        self._open: dict | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._open = dict(attrs)
            self.scripts.append((self._open, ""))

    def handle_data(self, data):
        if self._open is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._open = None


PAYLOAD = "</script><script>alert(1)</script><!--<script>"


def test_it_cannot_be_broken_out_of_its_script_element(db):
    claim = approved(text=f"{PAYLOAD} Turkey & the ICC \u2028 said")
    FactCheck.objects.filter(claim=claim).update(headline=f"{PAYLOAD} headline")
    factcheck = published(claim)

    text = claim_review_json(factcheck, site_url=SITE, publisher=PUBLISHER)

    for raw in ("<", ">", "&", "\u2028"):
        assert raw not in text
    assert "\\u003c/script\\u003e" in text
    page = Template(
        '<html><head><script type="application/ld+json">{{ ld }}</script></head>'
        "<body><p>page</p></body></html>"
    ).render(Context({"ld": text}))
    ((attrs, content),) = Scripts(page).scripts
    assert attrs == {"type": "application/ld+json"}
    data = json.loads(content)
    assert data == claim_review(factcheck, site_url=SITE, publisher=PUBLISHER)
    assert data["headline"] == f"{PAYLOAD} headline"
    assert data["claimReviewed"].startswith("</script><script>")


def test_it_parses_as_json_equal_to_the_claim_review(arabic_claim):
    factcheck = published(arabic_claim)

    text = claim_review_json(factcheck, site_url=SITE, publisher=PUBLISHER)

    assert json.loads(text) == claim_review(
        factcheck, site_url=SITE, publisher=PUBLISHER
    )
    # Arabic stays readable in the page source rather than \u-escaped.
    assert "صحيح" in text
