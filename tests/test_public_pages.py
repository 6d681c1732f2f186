"""The reader's pages: what each shows, its accessibility, and its query count."""

import datetime
import json
import re
from html.parser import HTMLParser

import pytest
from django.core.cache import cache, caches
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe

from factcheck import services
from factcheck.models import (
    Appearance,
    FactCheck,
    Language,
    PublicPage,
    Rating,
    SourceKind,
    Stance,
    Status,
)
from factcheck.pages import render_missing_pages, render_page
from factcheck.public.views import list_shell
from factcheck.templatetags.factcheck_pages import contrast_ratio, ink
from tests import factories

pytestmark = pytest.mark.django_db

SITE_URL = "https://factcheck.example.org"


@pytest.fixture(autouse=True)
def public_site(settings):
    settings.SITE_URL = SITE_URL
    # Rendered pages live in the cache, which outlives an earlier test's rows.
    cache.clear()


def url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


@pytest.fixture
def arabic(fact_checker):
    return factories.public_factcheck(
        Language.ARABIC,
        claim_fields={
            "text": "تركيا ليست طرفا في نظام روما الأساسي",
            "claimant": factories.claimant(
                name="صحيفة الديار",
                slug="al-diyar",
                role="صحيفة يومية لبنانية",
                same_as="https://en.wikipedia.org/wiki/Ad-Diyar",
            ),
            "claimed_on": datetime.date(2023, 6, 6),
        },
        headline="صحيح: تركيا ليست طرفا في نظام روما",
        summary="لم تصادق تركيا على نظام روما الأساسي.",
        body="## ما وجدناه\n\nتركيا **ليست** في قائمة الدول الأطراف.",
        author=fact_checker,
    )


@pytest.fixture
def english(fact_checker):
    return factories.public_factcheck(
        Language.ENGLISH,
        claim_fields={"text": "The ICC issued an arrest warrant for Putin"},
        headline="True: the ICC issued a warrant for Putin in March 2023",
        summary="The warrant was issued on 17 March 2023.",
        body="The [ICC said so](https://www.icc-cpi.int/news).",
        rating=factories.rating(1),
        author=fact_checker,
    )


class Outline(HTMLParser):
    """What the accessibility checks need from a page: headings, landmarks,
    form fields and their labels, inline styles and scripts."""

    def __init__(self, html: str):
        super().__init__()
        self.headings: list[int] = []
        self.tags: list[str] = []
        self.fields: list[dict] = []
        self.label_targets: set[str] = set()
        self.styled: list[str] = []
        self.scripts: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append(tag)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag in ("input", "select", "textarea") and attributes.get("type") not in (
            "hidden",
            "submit",
        ):
            self.fields.append(attributes)
        if tag == "label" and "for" in attributes:
            self.label_targets.add(attributes["for"])
        if "style" in attributes or tag == "style":
            self.styled.append(tag)
        if tag == "script":
            self.scripts.append(attributes)


def assert_accessible(html: str) -> None:
    outline = Outline(html)
    assert outline.headings.count(1) == 1, "one h1 per page"
    assert outline.headings[0] == 1, "the h1 comes first"
    for before, after in zip(outline.headings, outline.headings[1:], strict=False):
        assert after <= before + 1, f"heading level jumps from h{before} to h{after}"
    for landmark in ("header", "nav", "main", "footer"):
        assert landmark in outline.tags
    for field in outline.fields:
        assert field.get("id") in outline.label_targets, f"unlabelled field {field}"
    assert outline.styled == [], "no inline style: the CSP will refuse them"
    assert all(s.get("type") == "application/ld+json" for s in outline.scripts)


def page_urls(arabic, english) -> list[str]:
    return [
        url("home"),
        url("home", "ar"),
        url("factcheck_list"),
        url("factcheck_list", "ar") + "?q=تركيا",
        arabic.get_absolute_url(),
        english.get_absolute_url(),
        url("claimant_detail", "ar", slug=arabic.claim.claimant.slug),
        url("tag_detail", slug=english.claim.tags.first().slug),
        url("methodology", "ar"),
        url("corrections"),
        url("about", "ar"),
    ]


# --- Every page --------------------------------------------------------------------


def test_it_serves_every_page_accessibly_and_without_inline_styles(
    client, arabic, english
):
    factories.correction(english, note="We fixed a date.")
    for address in page_urls(arabic, english):
        response = client.get(address)
        assert response.status_code == 200, address
        assert_accessible(response.text)


def test_it_gives_every_page_a_canonical_link_opengraph_and_the_feeds(
    client, arabic, english
):
    for address in page_urls(arabic, english):
        html = client.get(address).text
        path = address.split("?")[0]
        assert f'<link rel="canonical" href="{SITE_URL}{path}">' in html
        assert f'<meta property="og:url" content="{SITE_URL}{path}">' in html
        assert '<meta name="twitter:card" content="summary">' in html
        assert f'href="{reverse("feed_rss")}"' in html
        assert f'href="{reverse("feed_atom")}"' in html
        assert f'href="{reverse("rating_styles")}"' in html


def test_it_marks_the_verdict_with_words_not_colour_alone(client, english):
    html = client.get(english.get_absolute_url()).text
    badge = re.search(r'<a class="verdict rating-1"[^>]*>(.*?)</a>', html, re.S)
    assert "False" in badge.group(1)


def test_it_answers_404_in_the_site_style(client):
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert 'class="site-nav"' in response.text
    assert_accessible(response.text)


def test_it_renders_the_500_page_without_a_request():
    with translation.override("ar"):
        html = render_to_string("500.html")
    assert '<html lang="ar" dir="rtl">' in html
    assert "حدث خطأ" in html


# --- Home and the list -----------------------------------------------------------


def test_it_shows_the_latest_fact_checks_on_the_home_page(client, arabic, english):
    response = client.get(url("home"))
    assert arabic.headline in response.text
    assert english.headline in response.text
    assert f'href="{arabic.get_absolute_url()}"' in response.text
    assert 'id="home-search"' in response.text


@pytest.mark.parametrize("published", [1, 12])
def test_it_builds_the_home_page_in_one_query(
    client, django_assert_num_queries, published
):
    for _ in range(published):
        factories.public_factcheck(sources=3, appearances=2, corrections=2)
    # As in service, where each page (with its cards) is stored as it is published.
    render_missing_pages()
    with django_assert_num_queries(1):
        assert client.get(url("home")).status_code == 200


def test_it_finds_fact_checks_by_their_words_or_the_claims(client, arabic, english):
    found = client.get(url("factcheck_list", "ar"), {"q": "نظام روما"}).text
    assert arabic.headline in found
    assert english.headline not in found
    # The claim's own words find it too: "arrest" is only in the English claim.
    found = client.get(url("factcheck_list"), {"q": "arrest"}).text
    assert english.headline in found
    assert arabic.headline not in found


@pytest.mark.parametrize(
    ("field", "value", "shows"),
    [
        ("language", "en", "english"),
        ("language", "ar", "arabic"),
        ("claimant", "al-diyar", "arabic"),
        ("rating", "rating-1", "english"),
    ],
)
def test_it_filters_the_list(client, arabic, english, field, value, shows):
    html = client.get(url("factcheck_list"), {field: value}).text
    chosen, other = (arabic, english) if shows == "arabic" else (english, arabic)
    assert chosen.headline in html
    assert other.headline not in html


def test_it_filters_the_list_by_tag_and_date(client, arabic, english):
    tag = english.claim.tags.first()
    html = client.get(url("factcheck_list"), {"tag": tag.slug}).text
    assert english.headline in html
    assert arabic.headline not in html
    january = factories.public_factcheck(
        headline="Checked in January",
        published_at=datetime.datetime(2024, 1, 10, tzinfo=datetime.UTC),
    )
    html = client.get(
        url("factcheck_list"),
        {"published_from": "2024-01-01", "published_to": "2024-01-31"},
    ).text
    assert january.headline in html
    assert arabic.headline not in html
    assert english.headline not in html


def test_it_shows_errors_for_filters_it_does_not_understand(client, arabic):
    response = client.get(
        url("factcheck_list"), {"rating": "nonsense", "published_from": "soon"}
    )
    assert response.status_code == 200
    assert "Some filters were not understood" in response.text
    assert arabic.headline in response.text


def test_it_pages_through_the_list(client):
    for _ in range(25):
        factories.public_factcheck()
    first = client.get(url("factcheck_list")).text
    second = client.get(url("factcheck_list"), {"page": 2}).text
    assert first.count('class="card"') == 20
    assert second.count('class="card"') == 5
    assert "25 fact-checks" in first
    assert 'rel="next" href="?page=2"' in first


@pytest.mark.parametrize("published", [1, 30])
@pytest.mark.parametrize(
    ("query", "queries"),
    [
        # The verdict, claimant and topic choices, the count, and the page.
        ({}, 5),
        # A search's page brings its total with it (COUNT(*) OVER ()).
        ({"q": "تركيا", "language": "ar"}, 4),
    ],
)
def test_it_builds_the_list_in_five_queries(
    client, django_assert_num_queries, published, query, queries
):
    for _ in range(published):
        factories.public_factcheck(sources=2, tags=2)
    render_missing_pages()
    with django_assert_num_queries(queries):
        assert client.get(url("factcheck_list"), query).status_code == 200
    # Another list or search needs only its own count and page: the choices
    # stay worked out until the next publication purges them.
    with django_assert_num_queries(2):
        assert client.get(url("factcheck_list"), {"language": "ar"}).status_code == 200
    # Its next page is another address, with its own count and page.
    with django_assert_num_queries(2):
        page_two = {"language": "ar", "page": "2"}
        assert client.get(url("factcheck_list"), page_two).status_code == 200


def test_it_offers_a_newly_published_claimant_once_the_publication_purges(
    client, editor, django_capture_on_commit_callbacks
):
    factories.public_factcheck()
    client.get(url("factcheck_list"))
    claim = factories.claim_at(
        Status.APPROVED, claimant=factories.claimant(name="Newly Checked")
    )

    assert "Newly Checked" not in client.get(url("factcheck_list"), {"q": "x"}).text
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(claim, to=Status.PUBLISHED, actor=editor)

    assert "Newly Checked" in client.get(url("factcheck_list"), {"q": "y"}).text


def test_the_filters_show_what_each_reader_chose_however_often_they_are_reused(
    client, arabic, english
):
    """Most searches choose no filter, and share the filters as rendered once
    per publication and language; a reader who chose one sees it chosen."""
    selected = 'value="al-diyar" selected'
    assert selected not in client.get(url("factcheck_list"), {"q": "a"}).text
    chosen = client.get(url("factcheck_list"), {"q": "b", "claimant": "al-diyar"})
    assert selected in chosen.text
    assert '<details class="filter-more" open>' in chosen.text
    plain = client.get(url("factcheck_list"), {"q": "c"}).text
    assert selected not in plain
    assert '<details class="filter-more">' in plain
    # In the other language, the verdicts' and topics' names are its own.
    arabic_list = client.get(url("factcheck_list", "ar"), {"q": "d"}).text
    assert english.rating.label_ar in arabic_list
    assert english.rating.label_en not in arabic_list.split('class="filter-grid"')[1]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_list_filled_into_its_shell_is_its_template_rendered_as_it_stands(
    rf, language
):
    """Every list and search is filled into factcheck_list.html rendered once
    with markers: it must be what Django renders with the same values, so
    base.html can change without the list drifting from the other pages."""
    values = {
        "title": mark_safe("Search: &lt;b&gt; &amp; غزة"),
        "content": mark_safe("<h1>Fact-checks</h1>\n<p>¿ & \ue000</p>\n"),
        "alternate_links": mark_safe(
            '\n  <link rel="alternate" hreflang="ar" href="x">'
        ),
        "language_nav": mark_safe("\n          <li>links</li>"),
    }
    request = rf.get(url("factcheck_list", language), {"q": "<b>"})
    with translation.override(language):
        rendered = render_to_string(
            "factcheck/factcheck_list.html", values, request=request
        )
        filled = list_shell(language).fill(values)

    assert filled == rendered
    assert (
        f'<link rel="canonical" href="{SITE_URL}{url("factcheck_list", language)}">'
        in filled
    )


def test_a_search_is_titled_with_the_readers_words_escaped(client, english):
    english_page = client.get(url("factcheck_list"), {"q": '<b>"Rome"'}).text
    arabic_page = client.get(url("factcheck_list", "ar"), {"q": "روما & <i>"}).text
    unfiltered = client.get(url("factcheck_list", "ar")).text

    assert "<title>Search: &lt;b&gt;&quot;Rome&quot; · " in english_page
    assert "<title>بحث: روما &amp; &lt;i&gt; · " in arabic_page
    assert "<title>كل التحققات · " in unfiltered


# --- The fact-check page ----------------------------------------------------------


def test_it_shows_everything_a_reader_needs_on_the_fact_check_page(
    client, arabic, fact_checker
):
    claim = arabic.claim
    with factories.assembling(claim):
        factories.source(
            claim,
            url="https://www.un.org/en/report",
            title="UN report",
            publisher="United Nations",
            kind=SourceKind.OFFICIAL_DATA,
            stance=Stance.REFUTES,
            excerpt="The relevant paragraph.",
        )
    factories.correction(arabic, note="صححنا تاريخ المصادقة.")
    html = client.get(arabic.get_absolute_url()).text

    assert claim.text in html
    assert "صحيفة الديار" in html
    assert "صحيفة يومية لبنانية" in html
    assert url("claimant_detail", "ar", slug="al-diyar") in html
    assert "6 يونيو 2023" in html  # the claim's date, in the page's language
    assert claim.appearances.get(is_first=True).article.url in html
    assert "أول ظهور" in html  # first appearance, marked
    assert "صحيح" in html
    assert f"{url('methodology', 'ar')}#rating-rating-5" in html
    assert arabic.rating.definition_ar in html
    assert arabic.summary in html
    assert "<h2>ما وجدناه</h2>" in html
    assert "<strong>ليست</strong>" in html
    for source in claim.sources.all():
        assert source.url in html
        assert source.publisher in html
    assert "بيانات رسمية" in html  # kind
    assert "ينقض الادعاء" in html  # stance
    assert "The relevant paragraph." in html
    assert "صححنا تاريخ المصادقة." in html
    assert fact_checker.first_name in html
    # The approving editor of the factory has no name on record: the byline the
    # API gives too (tests/test_one_helper_per_rule.py).
    assert "أحد أعضاء القسم" in html
    for tag in claim.tags.all():
        assert url("tag_detail", "ar", slug=tag.slug) in html


def test_it_lists_related_fact_checks_by_claimant_or_topic(client, arabic, english):
    same_claimant = factories.public_factcheck(
        claim_fields={"claimant": arabic.claim.claimant}, headline="Same claimant"
    )
    same_topic = factories.public_factcheck(tags=0, headline="Same topic")
    same_topic.claim.tags.add(arabic.claim.tags.first())
    html = client.get(arabic.get_absolute_url()).text
    related = html.split('id="related-heading"')[1]
    assert same_claimant.headline in related
    assert same_topic.headline in related
    assert english.headline not in related


@pytest.mark.parametrize("many", [1, 6])
def test_it_serves_a_stored_fact_check_page_in_one_query(
    client, django_assert_num_queries, many
):
    factcheck = factories.public_factcheck(
        sources=many, appearances=many, corrections=many, tags=many
    )
    for _ in range(many):
        factories.public_factcheck(claim_fields={"claimant": factcheck.claim.claimant})
    render_missing_pages()
    # The fact-check with its stored page, the related fact-checks' stored cards
    # and its translation as they are now.
    with django_assert_num_queries(1):
        response = client.get(factcheck.get_absolute_url())
    assert response.status_code == 200
    assert factcheck.claim.sources.first().title in response.text


@pytest.mark.parametrize("many", [1, 6])
def test_it_builds_a_page_not_stored_yet_in_ten_queries(
    client, django_assert_num_queries, many
):
    factcheck = factories.public_factcheck(
        sources=many, appearances=many, corrections=many, tags=many
    )
    for _ in range(many):
        factories.public_factcheck(claim_fields={"claimant": factcheck.claim.claimant})
    render_missing_pages()
    PublicPage.objects.filter(factcheck=factcheck).delete()
    # The fact-check; again with its claim, claimant, rating and approver;
    # appearances (with articles and outlets), sources, corrections, authors, tags;
    # the bounds of the rating scale for ClaimReview; related fact-checks' ids;
    # their cards.
    with django_assert_num_queries(10):
        assert client.get(factcheck.get_absolute_url()).status_code == 200


def test_it_serves_the_same_page_stored_or_not(client):
    factcheck = factories.public_factcheck(sources=2, appearances=2, corrections=1)
    factories.public_factcheck(claim_fields={"claimant": factcheck.claim.claimant})
    built = client.get(factcheck.get_absolute_url()).text
    render_page(factcheck.pk)
    cache.clear()
    caches["pages"].clear()
    assert client.get(factcheck.get_absolute_url()).text == built


def test_it_never_serves_a_stored_page_of_an_older_version(client):
    factcheck = factories.public_factcheck()
    render_page(factcheck.pk)
    FactCheck.objects.filter(pk=factcheck.pk).update(version=F("version") + 1)
    PublicPage.objects.filter(pk=factcheck.pk).update(article="<p>stale</p>")
    assert "stale" not in client.get(factcheck.get_absolute_url()).text


def test_it_serves_a_fact_check_under_its_own_language_only(client, arabic):
    response = client.get(url("factcheck_detail", "en", slug=arabic.slug))
    assert response.status_code == 301
    assert response.headers["Location"] == arabic.get_absolute_url()


def test_it_carries_one_claim_review_that_agrees_with_the_page(client, arabic):
    html = client.get(arabic.get_absolute_url()).text
    blocks = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', html, re.S
    )
    assert len(blocks) == 1
    review = json.loads(blocks[0])
    canonical = re.search(r'<link rel="canonical" href="([^"]+)">', html).group(1)
    assert review["@type"] == "ClaimReview"
    assert review["url"] == canonical == SITE_URL + arabic.get_absolute_url()
    assert review["claimReviewed"] == arabic.claim.text
    assert review["inLanguage"] == "ar"
    assert review["headline"] == arabic.headline
    assert review["datePublished"].startswith(arabic.published_at.date().isoformat())
    assert review["author"]["@type"] == "Organization"
    assert review["author"]["url"] == SITE_URL
    item = review["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["author"]["name"] == "صحيفة الديار"
    assert item["author"]["sameAs"] == "https://en.wikipedia.org/wiki/Ad-Diyar"
    assert item["datePublished"] == "2023-06-06"
    first = arabic.claim.appearances.get(is_first=True)
    assert item["firstAppearance"]["url"] == first.article.url
    rating = review["reviewRating"]
    assert rating["alternateName"] == arabic.rating.label_ar
    badge = re.search(r'<a class="verdict rating-5"[^>]*>(.*?)</a>', html, re.S)
    assert rating["alternateName"] in badge.group(1)
    assert rating["ratingValue"] == arabic.rating.value
    assert (rating["worstRating"], rating["bestRating"]) == (
        Rating.objects.scale_bounds()
    )


def test_it_describes_the_fact_check_for_link_previews(client, english):
    html = client.get(english.get_absolute_url()).text
    assert '<meta property="og:type" content="article">' in html
    assert f'<meta property="og:title" content="{english.headline}">' in html
    assert f'<meta property="og:description" content="{english.summary}">' in html
    assert f'<meta name="twitter:title" content="{english.headline}">' in html
    assert '<meta property="og:locale" content="en_GB">' in html


# --- Claimant, tag, methodology, corrections, about ------------------------------


def test_it_lists_a_claimants_published_fact_checks(client, arabic, english):
    claimant = arabic.claim.claimant
    html = client.get(url("claimant_detail", "ar", slug=claimant.slug)).text
    assert claimant.name in html
    assert claimant.role in html
    assert claimant.same_as in html
    assert arabic.headline in html
    assert english.headline not in html


def test_it_lists_a_topics_published_fact_checks(client, arabic, english):
    tag = english.claim.tags.first()
    html = client.get(url("tag_detail", slug=tag.slug)).text
    assert tag.name in html
    assert english.headline in html
    assert arabic.headline not in html


@pytest.mark.parametrize("published", [1, 25])
def test_it_builds_claimant_and_tag_pages_in_three_queries(
    client, django_assert_num_queries, published
):
    claimant, tag = factories.claimant(), factories.tag()
    for _ in range(published):
        factcheck = factories.public_factcheck(claim_fields={"claimant": claimant})
        factcheck.claim.tags.add(tag)
    render_missing_pages()
    # The claimant or tag, the count, the page.
    with django_assert_num_queries(3):
        client.get(url("claimant_detail", slug=claimant.slug))
    with django_assert_num_queries(3):
        client.get(url("tag_detail", slug=tag.slug))


def test_it_explains_the_rating_scale_from_the_database(
    client, django_assert_num_queries
):
    scale = [factories.rating(value) for value in (1, 3, 5)]
    with django_assert_num_queries(1):
        arabic = client.get(url("methodology", "ar")).text
    english = client.get(url("methodology")).text
    for rating in scale:
        assert f'id="rating-{rating.slug}"' in arabic
        assert rating.label_ar in arabic
        assert rating.definition_ar in arabic
        assert rating.label_en in english
        assert rating.definition_en in english
    assert 'id="corrections-policy"' in english


@pytest.mark.parametrize("corrections", [1, 30])
def test_it_logs_every_correction_newest_first_in_two_queries(
    client, django_assert_num_queries, corrections
):
    factcheck = factories.public_factcheck(corrections=corrections)
    # The count and the page.
    with django_assert_num_queries(2):
        html = client.get(url("corrections")).text
    assert f'href="{factcheck.get_absolute_url()}"' in html
    notes = [c.note for c in factcheck.corrections.order_by("-created_at", "-pk")]
    shown = re.findall(r"Correction note \d+\.", html)
    assert shown == notes[:20]


def test_it_serves_the_about_page_without_touching_the_database(
    client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        assert "About us" in client.get(url("about")).text


# --- Verdict colours --------------------------------------------------------------


def test_it_styles_each_rating_from_its_colour_with_readable_text(
    client, django_assert_num_queries
):
    factories.rating(1, colour="#a4161a")
    factories.rating(3, colour="#f4d03f")
    with django_assert_num_queries(1):
        response = client.get(reverse("rating_styles"))
    assert response.headers["Content-Type"] == "text/css; charset=utf-8"
    css = response.text
    assert ".rating-1 { background-color: #a4161a; color: #ffffff; }" in css
    assert ".rating-3 { background-color: #f4d03f; color: #000000; }" in css


def test_it_picks_badge_text_of_at_least_4_5_to_1_for_any_colour():
    for red in range(0, 256, 15):
        for green in range(0, 256, 15):
            for blue in range(0, 256, 15):
                colour = f"#{red:02x}{green:02x}{blue:02x}"
                assert contrast_ratio(colour, ink(colour)) >= 4.5, colour


def test_it_measures_contrast_as_wcag_does():
    assert round(contrast_ratio("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast_ratio("#767676", "#ffffff"), 2) == 4.54


def test_it_keeps_the_demo_scale_readable_on_white_text():
    from factcheck.demo.data import RATINGS

    for rating in RATINGS:
        assert contrast_ratio(rating.colour, "#ffffff") >= 4.5, rating.slug


def test_it_marks_only_the_first_appearance_as_first(client, arabic):
    with factories.assembling(arabic.claim):
        Appearance.objects.create(
            claim=arabic.claim, article=factories.article(title="Repeated elsewhere")
        )
    html = client.get(arabic.get_absolute_url()).text
    assert "Repeated elsewhere" in html
    assert html.count("أول ظهور") == 1


def test_it_gives_an_arabic_address_its_canonical_link_percent_encoded(client):
    claimant = factories.claimant(name="الديار", slug="الديار")
    factories.public_factcheck(claim_fields={"claimant": claimant})
    address = url("claimant_detail", "ar", slug=claimant.slug)
    assert "%D8%A7" in address
    html = client.get(address).text
    assert f'<link rel="canonical" href="{SITE_URL}{address}">' in html


def test_it_answers_a_missing_or_retracted_fact_check_in_two_queries(
    client, django_assert_num_queries
):
    with django_assert_num_queries(2):  # the fact-check, then a retraction of it
        assert client.get(url("factcheck_detail", slug="nothing")).status_code == 404


def test_its_filter_drop_downs_escape_names_and_keep_the_choice(client):
    sneaky = factories.claimant(name='<img src=x onerror="alert(1)">', slug="sneaky")
    factories.public_factcheck(claim_fields={"claimant": sneaky})

    page = client.get(url("factcheck_list"), {"claimant": "sneaky"}).text

    assert '<img src=x onerror="alert(1)">' not in page
    assert (
        '<option value="sneaky" selected>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
        "</option>" in page
    )


def test_its_filters_refuse_a_claimant_not_offered_with_a_message(client):
    factories.public_factcheck()

    page = client.get(url("factcheck_list"), {"claimant": "nobody"}).text

    assert "Select a valid choice. nobody is not one of the available choices." in page
    assert 'class="card"' in page  # the list is not emptied by the mistake


@pytest.mark.parametrize(
    ("page", "cards"),
    [("1", 20), ("2", 5), ("9", 5), ("9" * 30, 5), ("x", 20), ("-3", 20)],
)
def test_it_pages_through_search_results_with_their_total(client, page, cards):
    for _ in range(25):
        factories.public_factcheck()

    html = client.get(url("factcheck_list"), {"q": "تركيا", "page": page}).text

    assert "25 fact-checks" in html
    assert html.count('class="card"') == cards  # past the end: the last page
