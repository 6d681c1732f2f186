"""An editor and a fact-checker take a claim from submitted to published in Chromium."""

import pytest

from factcheck import services
from factcheck.models import Claim, Language, Status
from tests import factories
from tests.browser import PageProblems, browser  # noqa: F401 (fixture)

PASSWORD = "correct horse battery staple"

# serialized_rollback restores the role groups (made by a data migration) that the
# flush after a transactional test removes.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def log_in(browser, live_server, username):  # noqa: F811
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    problems = PageProblems(page)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    return page, problems


def press(page, to: str, note: str = "") -> None:
    if note:
        page.fill("input[name=transition_note]", note)
    page.locator(f"button[name=transition][value={to}]").click()
    page.wait_for_load_state()


def test_it_takes_a_claim_from_submitted_to_published_in_the_browser(
    live_server,
    browser,  # noqa: F811 (set up after the server, so it closes before it)
):
    editor = factories.user("layla", "Editors")
    fact_checker = factories.user("fatima", "Fact-checkers")
    factories.rating(5)
    claim = services.submit_claim(
        text="تركيا ليست طرفا في نظام روما الأساسي",
        language=Language.ARABIC,
        claimant=factories.claimant(name="قناة الديار"),
    )
    claim_url = f"{live_server.url}/admin/factcheck/claim/{claim.pk}/change/"

    desk, desk_problems = log_in(browser, live_server, editor.username)
    desk.goto(f"{live_server.url}/admin/factcheck/claim/")
    assert (
        desk.locator("span[lang=ar][dir=rtl]", has_text="تركيا ليست طرفا").count() == 1
    )
    desk.goto(claim_url)
    press(desk, Status.ACCEPTED)
    assert "The claim is now “Accepted”." in desk.content()

    research, research_problems = log_in(browser, live_server, fact_checker.username)
    research.goto(claim_url)
    research.get_by_role("button", name="Assign to me").click()
    research.wait_for_load_state()
    press(research, Status.IN_RESEARCH)
    research.fill("[name=factcheck-0-headline]", "نعم، تركيا ليست طرفا في نظام روما")
    research.select_option("[name=factcheck-0-rating]", label="5 · True / صحيح")
    research.fill(
        "[name=factcheck-0-summary]",
        "صحيح: لم تصادق تركيا على نظام روما الأساسي، ولا تظهر في قائمة الدول الأطراف.",
    )
    research.get_by_text("Add another Source").click()
    research.fill("[name=sources-0-url]", "https://asp.icc-cpi.int/states-parties")
    research.fill("[name=sources-0-title]", "The States Parties to the Rome Statute")
    research.select_option("[name=sources-0-kind]", "primary")
    research.select_option("[name=sources-0-stance]", "supports")
    research.click("input[name=_continue]")
    research.wait_for_load_state()
    assert "was changed successfully" in research.content()
    press(research, Status.IN_REVIEW)
    assert "The claim is now “In review”." in research.content()

    desk.goto(claim_url)
    press(desk, Status.APPROVED)
    assert "The claim is now “Approved”." in desk.content()
    press(desk, Status.PUBLISHED)
    assert "The claim is now “Published”." in desk.content()

    claim = Claim.objects.get(pk=claim.pk)
    assert claim.status == Status.PUBLISHED
    assert claim.factcheck.published_at is not None
    assert list(claim.factcheck.authors.all()) == [fact_checker]
    assert claim.factcheck.approved_by == editor
    moves = claim.events.filter(kind="transition").order_by("pk")
    assert [(e.actor, e.to_status) for e in moves] == [
        (editor, Status.ACCEPTED),
        (fact_checker, Status.IN_RESEARCH),
        (fact_checker, Status.IN_REVIEW),
        (editor, Status.APPROVED),
        (editor, Status.PUBLISHED),
    ]
    assert desk_problems.errors == []
    assert research_problems.errors == []
