"""The claim page as people use it all day, in Chromium: typed work is never lost,
leaving asks first, the moves that need a note have a page of their own, and a
draft can be previewed as readers will see it."""

import tempfile
from pathlib import Path

import pytest

from factcheck import services
from factcheck.models import Claim, FactCheck, Status
from tests import factories
from tests.browser import PageProblems, browser  # noqa: F401 (fixture)

PASSWORD = "correct horse battery staple"
# For a person to look at; not part of what the tests check.
SCREENSHOTS = Path(tempfile.gettempdir())

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def log_in(browser, live_server, username, locale="en-GB"):  # noqa: F811
    context = browser.new_context(
        locale=locale, viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    problems = PageProblems(page)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    return page, problems


def claim_url(live_server, claim: Claim) -> str:
    return f"{live_server.url}/admin/factcheck/claim/{claim.pk}/change/"


def type_the_draft(page) -> None:
    page.fill("[name=factcheck-0-headline]", "نعم، تركيا ليست طرفا في نظام روما")
    page.select_option("[name=factcheck-0-rating]", label="5 · True / صحيح")
    page.fill("[name=factcheck-0-summary]", "صحيح: لم تصادق تركيا على نظام روما.")
    page.fill(
        "[name=factcheck-0-body]", "## ما قيل\n\nقائمة الدول الأطراف لا تضم تركيا."
    )


def press(page, to: str) -> None:
    page.locator(f"button[name=transition][value={to}]").click()
    page.wait_for_load_state()


def a_claim_in_research(fact_checker, *, with_source: bool):
    factories.rating(5)
    claim = factories.claim(status=Status.IN_RESEARCH, assignee=fact_checker)
    services.ensure_draft(claim)
    if with_source:
        factories.source(claim)
    return claim


def test_it_saves_typed_work_before_sending_the_claim_for_review(
    live_server,
    browser,  # noqa: F811
):
    fact_checker = factories.user("fatima", "Fact-checkers")
    claim = a_claim_in_research(fact_checker, with_source=True)
    page, problems = log_in(browser, live_server, fact_checker.username)
    page.goto(claim_url(live_server, claim))

    type_the_draft(page)
    press(page, Status.IN_REVIEW)

    assert "The claim is now “In review”." in page.content()
    claim.refresh_from_db()
    assert claim.status == Status.IN_REVIEW
    draft = FactCheck.objects.get(claim=claim)
    assert draft.headline == "نعم، تركيا ليست طرفا في نظام روما"
    assert draft.body.startswith("## ما قيل")
    assert list(draft.authors.all()) == [fact_checker]
    assert problems.errors == []


def test_it_keeps_typed_work_when_the_move_is_refused_and_says_why(
    live_server,
    browser,  # noqa: F811
):
    fact_checker = factories.user("fatima", "Fact-checkers")
    claim = a_claim_in_research(fact_checker, with_source=False)
    page, _problems = log_in(browser, live_server, fact_checker.username)
    page.goto(claim_url(live_server, claim))

    type_the_draft(page)
    press(page, Status.IN_REVIEW)

    refusal = page.locator(".messagelist .error")
    assert "Before review the draft needs at least one source." in refusal.inner_text()
    assert page.input_value("[name=factcheck-0-headline]") == (
        "نعم، تركيا ليست طرفا في نظام روما"
    )
    assert page.input_value("[name=factcheck-0-summary]") == (
        "صحيح: لم تصادق تركيا على نظام روما."
    )
    assert page.input_value("[name=factcheck-0-body]").startswith("## ما قيل")
    selected = page.locator("[name=factcheck-0-rating] option:checked").inner_text()
    assert selected == "5 · True / صحيح"
    claim.refresh_from_db()
    assert claim.status == Status.IN_RESEARCH


def test_it_gives_typed_work_back_when_the_save_is_refused(
    live_server,
    browser,  # noqa: F811
):
    fact_checker = factories.user("fatima", "Fact-checkers")
    editor = factories.user("layla", "Editors")
    claim = a_claim_in_research(fact_checker, with_source=True)
    page, _problems = log_in(browser, live_server, fact_checker.username)
    page.goto(claim_url(live_server, claim))
    type_the_draft(page)
    # Someone else saves the claim while the fact-checker is typing.
    services.update_claim(
        claim,
        actor=editor,
        expected_version=claim.version,
        changes={"text": "نص عدّله محرر آخر"},
    )

    press(page, Status.IN_REVIEW)

    reason = page.locator("ul.errorlist.nonfield").first.inner_text()
    assert "Someone else saved this claim after you opened it." in reason
    assert page.input_value("[name=factcheck-0-headline]") == (
        "نعم، تركيا ليست طرفا في نظام روما"
    )
    assert page.input_value("[name=factcheck-0-body]").startswith("## ما قيل")
    claim.refresh_from_db()
    assert claim.status == Status.IN_RESEARCH
    assert FactCheck.objects.get(claim=claim).headline == ""


def test_it_saves_without_moving_when_enter_is_pressed_in_a_field(
    live_server,
    browser,  # noqa: F811
):
    fact_checker = factories.user("fatima", "Fact-checkers")
    claim = a_claim_in_research(fact_checker, with_source=True)
    page, problems = log_in(browser, live_server, fact_checker.username)
    page.goto(claim_url(live_server, claim))

    type_the_draft(page)
    page.press("[name=factcheck-0-headline]", "Enter")
    page.wait_for_load_state()

    # The workflow buttons come first on the page; Enter must not press one.
    claim.refresh_from_db()
    assert claim.status == Status.IN_RESEARCH
    assert FactCheck.objects.get(claim=claim).headline.startswith("نعم")
    assert problems.errors == []


def test_it_asks_before_leaving_a_page_with_unsaved_changes(
    live_server,
    browser,  # noqa: F811
):
    fact_checker = factories.user("fatima", "Fact-checkers")
    claim = a_claim_in_research(fact_checker, with_source=True)
    page, problems = log_in(browser, live_server, fact_checker.username)
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    page.goto(claim_url(live_server, claim))
    page.locator("[name=factcheck-0-summary]").press_sequentially("نص لم يُحفظ")
    page.get_by_role("link", name="Home").first.click()
    page.wait_for_timeout(500)  # the prompt is answered; nothing else to wait for

    assert asked == ["beforeunload"]
    assert page.url == claim_url(live_server, claim)
    assert page.input_value("[name=factcheck-0-summary]") == "نص لم يُحفظ"

    # Saving is leaving too, but the one way that keeps the changes: no prompt.
    page.click("input[name=_continue]")
    page.wait_for_load_state()
    assert asked == ["beforeunload"]
    assert FactCheck.objects.get(claim=claim).summary == "نص لم يُحفظ"
    assert problems.errors == []


def test_it_sends_back_only_after_the_note_is_given_on_its_own_page(
    live_server,
    browser,  # noqa: F811
):
    editor = factories.user("layla", "Editors")
    claim = factories.claim_at(Status.IN_REVIEW)
    page, problems = log_in(browser, live_server, editor.username)
    page.goto(claim_url(live_server, claim))

    press(page, Status.IN_RESEARCH)

    assert page.locator("h1").inner_text() == "Send this claim back to research?"
    claim.refresh_from_db()
    assert claim.status == Status.IN_REVIEW
    page.screenshot(path=SCREENSHOTS / "desk1-confirm.png", full_page=True)
    page.fill("textarea[name=note]", "The second source does not say this.")
    page.get_by_role("button", name="Send back to research").click()
    page.wait_for_load_state()

    assert "The claim is now “In research”." in page.content()
    claim.refresh_from_db()
    assert claim.status == Status.IN_RESEARCH
    note = claim.events.get(to_status=Status.IN_RESEARCH).note
    assert note == "The second source does not say this."
    assert problems.errors == []


def test_it_previews_a_draft_from_the_claim_page(
    live_server,
    browser,  # noqa: F811
):
    editor = factories.user("layla", "Editors")
    claim = factories.claim_at(Status.IN_REVIEW)
    FactCheck.objects.filter(claim=claim).update(
        headline="نعم، تركيا ليست طرفا في نظام روما",
        body="## ما قيل\n\nقائمة الدول الأطراف **لا تضم** تركيا.",
        language="ar",
    )
    page, problems = log_in(browser, live_server, editor.username)
    page.goto(claim_url(live_server, claim))
    page.screenshot(path=SCREENSHOTS / "desk1-claim-en.png", full_page=True)

    page.get_by_role("link", name="Preview the public page").click()
    page.wait_for_load_state()

    assert page.locator(".preview-banner").inner_text().startswith("معاينة — غير منشور")
    assert page.locator(".body h2").inner_text() == "ما قيل"
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.screenshot(path=SCREENSHOTS / "desk1-preview.png", full_page=True)
    assert problems.errors == []


def test_it_shows_the_claim_page_in_arabic(
    live_server,
    browser,  # noqa: F811
):
    editor = factories.user("layla", "Editors")
    fact_checker = factories.user("fatima", "Fact-checkers", first_name="فاطمة")
    claim = factories.claim(status=Status.ACCEPTED)
    page, problems = log_in(browser, live_server, editor.username, locale="ar")
    page.goto(claim_url(live_server, claim))

    page.select_option("[name=transition-assignee]", label="فاطمة")
    press(page, "assign")

    assert "أُسند الادعاء إلى فاطمة." in page.content()
    assert "أُسند إلى فاطمة" in page.locator(".history").inner_text()
    assert "بانتظار فاطمة ليبدأ البحث." in page.locator(".whats-next").inner_text()
    page.screenshot(path=SCREENSHOTS / "desk1-claim-ar.png", full_page=True)
    claim.refresh_from_db()
    assert claim.assignee == fact_checker
    assert problems.errors == []
