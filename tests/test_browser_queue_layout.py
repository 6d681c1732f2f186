"""The queue and the claim page read at a laptop's width and on a phone."""

import pytest

from factcheck.models import Language, Status
from tests import factories
from tests.browser import PageProblems, browser  # noqa: F401 (fixture)

PASSWORD = "correct horse battery staple"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LONG_ARABIC = (
    "قال المتحدث إن تركيا ليست طرفا في نظام روما الأساسي للمحكمة الجنائية "
    "الدولية، ولذلك لا تلتزم بتنفيذ مذكرة الاعتقال الصادرة بحق الرئيس الروسي "
    "إذا زار أراضيها في الأشهر المقبلة"
)
LONG_ENGLISH = (
    "The spokesman said Turkey is not a party to the Rome Statute of the "
    "International Criminal Court and so need not execute the arrest warrant"
)


def open_as(browser, live_server, username, *, width, height=900):  # noqa: F811
    context = browser.new_context(
        locale="en-GB", viewport={"width": width, "height": height}
    )
    page = context.new_page()
    problems = PageProblems(page)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    return page, problems


def sideways_overflow(page) -> int:
    return page.evaluate(
        "document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"
    )


def box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


@pytest.fixture
def busy_queue(db):
    editor = factories.user("layla", "Editors")
    fact_checker = factories.user("fatima", "Fact-checkers")
    claimant = factories.claimant(name="المتحدث باسم وزارة الخارجية التركية")
    arabic = factories.claim(text=LONG_ARABIC, claimant=claimant, assignee=editor)
    factories.source(arabic)
    english = factories.claim(
        text=LONG_ENGLISH, language=Language.ENGLISH, assignee=fact_checker
    )
    factories.claim_at(Status.IN_REVIEW, author=fact_checker)
    return editor, arabic, english


def test_it_gives_the_claim_most_of_the_queue_at_laptop_width(
    live_server,
    busy_queue,
    browser,  # noqa: F811
):
    editor, _arabic, _english = busy_queue
    page, problems = open_as(browser, live_server, editor.username, width=1366)
    page.goto(f"{live_server.url}/admin/factcheck/claim/")

    table = box(page, "#result_list")
    claim_column = box(page, "#result_list th.column-claim_text")
    assert claim_column["width"] >= 0.4 * table["width"]
    # The last column is inside the page, not cut off at its edge.
    sources = box(page, "#result_list th.column-sources")
    assert sources["x"] + sources["width"] <= 1366
    assert sideways_overflow(page) <= 0
    # Each claim in its own direction.
    rtl = page.locator(f"#result_list span.claim-text:has-text('{LONG_ARABIC[:20]}')")
    assert rtl.get_attribute("dir") == "rtl"
    ltr = page.locator(f"#result_list span.claim-text:has-text('{LONG_ENGLISH[:20]}')")
    assert ltr.get_attribute("dir") == "ltr"
    # An Arabic claim of 30 words reads on a few lines, not a word a line.
    line_height = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('span.claim-text'))"
        ".lineHeight) || 16"
    )
    arabic_box = rtl.bounding_box()
    assert arabic_box["height"] <= 4 * line_height * 1.5
    assert problems.errors == []


def test_no_desk_page_scrolls_sideways_at_laptop_width(
    live_server,
    busy_queue,
    browser,  # noqa: F811
):
    editor, arabic, _english = busy_queue
    page, problems = open_as(browser, live_server, editor.username, width=1366)
    pages = [
        "/admin/",
        "/admin/factcheck/claim/",
        "/admin/factcheck/claim/?open=all",
        f"/admin/factcheck/claim/{arabic.pk}/change/",
        "/admin/factcheck/claim/add/",
        "/admin/factcheck/factcheck/",
        "/admin/factcheck/source/",
        "/admin/factcheck/article/",
    ]
    overflowing = {}
    for url in pages:
        page.goto(f"{live_server.url}{url}")
        if (extra := sideways_overflow(page)) > 0:
            overflowing[url] = extra
    assert overflowing == {}
    assert problems.errors == []


def test_the_action_bar_stays_usable_on_a_phone(
    live_server,
    busy_queue,
    browser,  # noqa: F811
):
    editor, _arabic, _english = busy_queue
    page, problems = open_as(browser, live_server, editor.username, width=390)
    page.goto(f"{live_server.url}/admin/factcheck/claim/")

    for selector in ("select[name=action]", "#changelist-form button[name=index]"):
        control = box(page, selector)
        assert control is not None
        assert control["x"] >= 0 and control["x"] + control["width"] <= 390, selector
    # And it works: assign the first claim to me from the phone.
    page.locator("input.action-select").first.check()
    page.select_option("select[name=action]", "assign_to_me")
    page.locator("#changelist-form button[name=index]").click()
    page.wait_for_load_state()
    assert "assigned to you" in page.content()
    assert problems.errors == []
