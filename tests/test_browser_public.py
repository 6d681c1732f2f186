"""The public site in Chromium: what readers see, and what never runs for them."""

import io
import json
import re

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import call_command

from factcheck.demo.data import CLAIMS
from factcheck.models import (
    Appearance,
    Claim,
    Correction,
    CorrectionKind,
    FactCheck,
    Language,
    Status,
)
from tests import factories
from tests.browser import PageProblems, browser  # noqa: F401 (fixture)
from tests.test_browser_admin import PASSWORD, log_in

# serialized_rollback restores the role groups (made by a data migration) that the
# flush after a transactional test removes.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ARABIC_LETTERS = re.compile("[\u0600-\u06ff]")
ROME_STATUTE_AR = CLAIMS[0]
assert ROME_STATUTE_AR.language == Language.ARABIC
assert ROME_STATUTE_AR.status == Status.PUBLISHED


@pytest.fixture(autouse=True)
def public_site(settings, live_server, tmp_path):
    settings.SITE_URL = live_server.url
    settings.DEMO_ACCOUNTS_FILE = tmp_path / "demo-accounts.json"
    # Rendered pages and the submission count live in the cache, which outlives
    # the database rows of an earlier test.
    cache.clear()


@pytest.fixture
def demo(public_site):
    call_command("load_demo", stdout=io.StringIO())


def reader(browser, **options):  # noqa: F811
    context = browser.new_context(locale="en-GB", **options)
    page = context.new_page()
    return page, PageProblems(page)


def rome_statute_factcheck() -> FactCheck:
    return FactCheck.objects.get(claim__text=ROME_STATUTE_AR.text)


def direction_of(locator) -> str:
    return locator.evaluate("element => getComputedStyle(element).direction")


def test_it_shows_the_demo_arabic_fact_check_right_to_left_with_verdict_and_sources(
    live_server,
    demo,
    browser,  # noqa: F811 (set up after the server, so it closes before it)
):
    factcheck = rome_statute_factcheck()
    page, problems = reader(browser)

    page.goto(f"{live_server.url}{factcheck.get_absolute_url()}")

    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("html").get_attribute("dir") == "rtl"
    headline = page.locator("main h1")
    assert headline.inner_text() == ROME_STATUTE_AR.draft.headline
    assert direction_of(headline) == "rtl"
    # Right to left as laid out, not only as declared: the verdict badge starts at
    # the right-hand edge of the article.
    article = page.locator("main article").bounding_box()
    verdict = page.locator(".verdict-panel a.verdict")
    badge = verdict.bounding_box()
    assert badge["x"] + badge["width"] > article["x"] + article["width"] * 0.75
    assert badge["x"] > article["x"] + article["width"] / 2
    assert verdict.is_visible()
    assert "صحيح" in verdict.inner_text()
    assert verdict.get_attribute("href").endswith("/ar/methodology/#rating-true")
    source = ROME_STATUTE_AR.sources[0]
    link = page.locator(".sources a", has_text=source.title)
    assert link.is_visible()
    assert link.get_attribute("href") == source.url
    assert page.locator(".sources", has_text=source.publisher).is_visible()
    claim_review = json.loads(
        page.locator("script[type='application/ld+json']").text_content()
    )
    assert claim_review["reviewRating"]["alternateName"] == "صحيح"
    assert claim_review["url"] == page.url
    assert problems.errors == []


def test_it_finds_the_arabic_fact_check_by_searching_in_arabic(
    live_server,
    demo,
    browser,  # noqa: F811
):
    headline = ROME_STATUTE_AR.draft.headline
    page, problems = reader(browser)
    page.goto(f"{live_server.url}/ar/")

    # Typed without the hamza, as many readers do.
    page.locator("#home-search").fill("نظام روما الاساسي")
    page.locator("#home-search").press("Enter")
    page.wait_for_url(re.compile(r"/ar/fact-checks/\?q="))

    result = page.locator("ol.cards .card-title a", has_text=headline)
    assert result.count() == 1
    result.click()
    page.wait_for_url(f"**{rome_statute_factcheck().get_absolute_url()}")
    assert page.locator("main h1").inner_text() == headline

    # A wider search still shows only what is published.
    page.goto(f"{live_server.url}/ar/")
    page.locator("#home-search").fill("تركيا")
    page.locator("#home-search").press("Enter")
    page.wait_for_url(re.compile(r"/ar/fact-checks/\?q="))
    shown = set(page.locator("ol.cards .card-title a").all_inner_texts())
    assert headline in shown
    for spec in CLAIMS:
        if spec.draft and spec.status != Status.PUBLISHED:
            assert spec.draft.headline not in shown
            assert spec.draft.headline not in page.content()
    assert problems.errors == []


def test_it_switches_the_interface_language(
    live_server,
    demo,
    browser,  # noqa: F811
):
    page, problems = reader(browser)
    page.goto(f"{live_server.url}/en/methodology/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("html").get_attribute("dir") == "ltr"
    nav = page.locator(".site-nav")
    assert nav.get_by_role("link", name="Methodology").is_visible()

    page.locator(".languages").get_by_role("link", name="العربية").click()

    page.wait_for_url(f"{live_server.url}/ar/methodology/")
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert direction_of(page.locator("main h1")) == "rtl"
    for text in nav.get_by_role("link").all_inner_texts():
        assert ARABIC_LETTERS.search(text), text
    assert "صحيح في معظمه" in page.locator("main").inner_text()  # the scale

    page.locator(".languages").get_by_role("link", name="English").click()

    page.wait_for_url(f"{live_server.url}/en/methodology/")
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert nav.get_by_role("link", name="Methodology").is_visible()
    assert problems.errors == []


def test_it_puts_a_claim_submitted_in_the_browser_in_the_editors_queue(
    live_server,
    demo,
    browser,  # noqa: F811
):
    text = "قال المتحدث إن صادرات الحبوب عبر البحر الأسود تضاعفت في 2024"
    where = "قناة إخبارية على يوتيوب، بث مباشر مساء الأحد"
    contact = "reader-4417@example.com"
    page, problems = reader(browser)
    page.goto(f"{live_server.url}/en/")
    page.locator(".site-nav").get_by_role("link", name="Submit a claim").click()
    page.wait_for_url(f"{live_server.url}/en/submit/")

    assert not page.locator("#id_website").is_visible()  # the honeypot
    page.get_by_label("The claim").fill(text)
    assert direction_of(page.get_by_label("The claim")) == "rtl"  # dir="auto"
    page.get_by_label("Where did you see or hear it?").fill(where)
    page.get_by_label("How can we reach you? (optional)").fill(contact)
    page.get_by_label("Arabic", exact=True).check()
    page.get_by_role("button", name="Send the claim").click()

    page.wait_for_url(f"{live_server.url}/en/submit/thanks/")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Thank you: your claim has reached our editors"
    )
    assert problems.errors == []
    claim = Claim.objects.get(text=text)
    assert (claim.status, claim.language, claim.submitter_contact) == (
        Status.SUBMITTED,
        Language.ARABIC,
        contact,
    )

    editor = User.objects.get(username="layla")
    editor.set_password(PASSWORD)
    editor.save()
    desk, desk_problems = log_in(browser, live_server, editor.username)
    desk.goto(f"{live_server.url}/admin/factcheck/claim/?status__exact=submitted")
    row = desk.locator("#result_list tr", has_text=text)
    assert row.is_visible()
    assert "Submitted" in row.inner_text()
    row.get_by_role("link", name=re.compile("قال المتحدث")).click()
    desk.wait_for_url(re.compile(f"/admin/factcheck/claim/{claim.pk}/change/"))
    assert desk.locator("[name=submitted_context]").input_value() == where
    assert desk_problems.errors == []


# Each payload, if it ever ran, sets window.__xss and opens a dialog.
PAYLOADS = [
    "<script>window.__xss='script';alert('script')</script>",
    "<img src=x onerror=\"window.__xss='img';alert('img')\">",
    "<svg onload=\"window.__xss='svg';alert('svg')\"><circle r=9></circle></svg>",
    "<a href=\"javascript:window.__xss='a';alert('a')\">a link</a>",
    "[a Markdown link](javascript:window.__xss='md';alert('md'))",
    "[an encoded link](&#106;avascript:window.__xss='enc';alert('enc'))",
    "[a data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<iframe src=\"javascript:window.__xss='iframe';alert('iframe')\"></iframe>",
    "<details open ontoggle=\"window.__xss='details';alert('details')\">x</details>",
    "\"><img src=x onerror=\"window.__xss='attr';alert('attr')\">",
    "'><svg onload=\"window.__xss='sq';alert('sq')\">",
    "</script><script>window.__xss='ld';alert('ld')</script>",
    "</textarea></title><script>window.__xss='title';alert('title')</script>",
]
HOSTILE = " ".join(PAYLOADS)


@pytest.fixture
def hostile_factcheck(public_site) -> FactCheck:
    """A published fact-check with a payload in every text a reader sees."""
    claimant = factories.claimant(name=f"Claimant {HOSTILE[:150]}", role=PAYLOADS[1])
    factcheck = factories.factcheck_at(
        Status.PUBLISHED,
        claim_fields={
            "text": f"Hostile claim {HOSTILE}",
            "language": Language.ENGLISH,
            "claimant": claimant,
        },
        headline=f"Hostile headline {PAYLOADS[9]} {PAYLOADS[0]}"[:200],
        summary=f"Hostile summary {HOSTILE}",
        body="Hostile body\n\n" + "\n\n".join(PAYLOADS),
    )
    claim = factcheck.claim
    claim.tags.add(factories.tag(name=PAYLOADS[2][:80]))
    article = factories.article(
        url="https://news.example/story?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E",
        title=f"Article {PAYLOADS[1]}",
        language=Language.ENGLISH,
    )
    with factories.assembling(claim):
        Appearance.objects.create(
            claim=claim, article=article, quote=f"Quote {HOSTILE}", is_first=True
        )
        claim.sources.update(
            url="https://example.org/\"><script>window.__xss='href'</script>",
            title=f"Source {PAYLOADS[1]}",
            publisher=PAYLOADS[2],
            excerpt=f"Excerpt {HOSTILE}",
        )
    Correction.objects.create(
        factcheck=factcheck,
        kind=CorrectionKind.CLARIFICATION,
        note=f"Note {HOSTILE}",
        created_by=factcheck.approved_by,
    )
    return factcheck


def assert_nothing_ran(page, dialogs: list[str]) -> None:
    page.wait_for_load_state("load")
    assert dialogs == []
    assert page.evaluate("typeof window.__xss") == "undefined"
    handlers = page.evaluate(
        """() => [...document.querySelectorAll('*')].flatMap(element =>
            [...element.attributes]
                .filter(a => a.name.startsWith('on')
                    || /^\\s*(javascript|data|vbscript):/i.test(a.value))
                .map(a => `${element.tagName} ${a.name}=${a.value}`))"""
    )
    assert handlers == []
    assert page.locator("main :is(script, iframe, object, embed)").count() == 0


def test_it_runs_no_script_from_a_fact_check_full_of_payloads(
    live_server,
    hostile_factcheck,
    browser,  # noqa: F811
):
    factcheck = hostile_factcheck
    pages = [
        factcheck.get_absolute_url(),
        "/en/",
        "/en/fact-checks/?q=Hostile",
        f"/en/claimants/{factcheck.claim.claimant.slug}/",
        f"/en/tags/{factcheck.claim.tags.get().slug}/",
        "/en/corrections/",
    ]

    # The Content-Security-Policy would block inline scripts anyway; switched off
    # here, so that escaping and sanitising alone are what is tested.
    page, _problems = reader(browser, bypass_csp=True)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for path in pages:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert "Hostile" in page.locator("main").inner_text(), path
        assert_nothing_ran(page, dialogs)

    # The payloads are shown as the text they are, not dropped.
    page.goto(f"{live_server.url}{factcheck.get_absolute_url()}")
    quote = page.locator(".claim-quote blockquote").inner_text()
    assert PAYLOADS[0] in quote
    assert PAYLOADS[1] in quote
    body = page.locator(".body").inner_text()
    assert "<script>window.__xss='script'" in body
    claim_review = json.loads(
        page.locator("script[type='application/ld+json']").text_content()
    )
    assert claim_review["claimReviewed"].startswith("Hostile claim <script>")

    # With the policy on, as readers have it: nothing was even attempted and
    # blocked (a blocked inline script would be reported on the console).
    guarded, problems = reader(browser)
    for path in pages:
        guarded.goto(f"{live_server.url}{path}")
    assert problems.errors == []

    # The hooks do catch a payload that runs: the same page, written unescaped.
    page.set_content(f"<p>{PAYLOADS[1]}</p>")
    page.wait_for_function("window.__xss === 'img'")
    assert dialogs == ["img"]
