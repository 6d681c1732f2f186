"""Each text in its own direction, as Chromium lays it out: Arabic free text and
read-only values right to left in an English admin, English ones left to right in
an Arabic admin, and an Arabic fact-check's summary and body right to left with
"## ما قيل" rendered as a heading."""

import pytest

from factcheck.models import Language, Status
from tests import factories
from tests.browser import PageProblems, browser  # noqa: F401 (fixture)

PASSWORD = "correct horse battery staple"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def direction(page, selector: str) -> str:
    return page.locator(selector).first.evaluate("e => getComputedStyle(e).direction")


def signed_in(browser, live_server, username: str, locale: str):  # noqa: F811
    context = browser.new_context(locale=locale)
    page = context.new_page()
    problems = PageProblems(page)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    return page, problems


def test_it_lays_out_each_admin_text_in_its_own_direction(
    live_server,
    browser,  # noqa: F811
    editor,
):
    submitted = factories.claim(
        text="هناك تعاون غير مسبوق بين موسكو وأنقرة",
        submitted_context="قرأت هذا في تقرير للديار عن زيارة بوتين",
    )
    research = factories.claim_at(
        Status.IN_RESEARCH, text="Turkey supplied Ukraine with weapons"
    )
    factories.ready_draft(research, summary="The record shows it did.")
    page, problems = signed_in(browser, live_server, editor.username, "en-GB")

    page.goto(f"{live_server.url}/admin/factcheck/claim/{submitted.pk}/change/")
    assert direction(page, "html") == "ltr"
    assert direction(page, "#id_text") == "rtl"
    assert direction(page, "#id_submitted_context") == "rtl"

    page.context.add_cookies(
        [{"name": "django_language", "value": "ar", "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/admin/factcheck/claim/{research.pk}/change/")
    assert direction(page, "html") == "rtl"
    assert direction(page, "#id_text") == "ltr"
    assert direction(page, "#id_factcheck-0-summary") == "ltr"
    assert problems.errors == []


def test_it_lays_out_read_only_values_in_their_own_direction(
    live_server,
    browser,  # noqa: F811
    fact_checker,
):
    published = factories.public_factcheck(
        Language.ARABIC, claim_fields={"text": "تركيا ليست طرفا في نظام روما"}
    )
    page, problems = signed_in(browser, live_server, fact_checker.username, "en-GB")
    page.goto(f"{live_server.url}/admin/factcheck/claim/{published.claim.pk}/change/")
    text = page.locator(".field-text .readonly")
    assert text.inner_text().startswith("تركيا")
    assert text.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert problems.errors == []


def test_it_reads_an_arabic_fact_check_right_to_left(
    live_server,
    browser,  # noqa: F811
):
    factcheck = factories.public_factcheck(
        Language.ARABIC,
        summary="لا تظهر تركيا في قائمة الدول الأطراف.",
        body="## ما قيل\n\nكتبت صحيفة الديار أن تركيا ليست طرفا.",
    )
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    problems = PageProblems(page)
    page.goto(live_server.url + factcheck.get_absolute_url())
    heading = page.locator(".body h2")
    assert heading.inner_text() == "ما قيل"
    assert direction(page, ".body h2") == "rtl"
    assert direction(page, ".summary") == "rtl"
    assert direction(page, ".body p") == "rtl"
    assert problems.errors == []
