"""The claim page: what happens next and who does it, assigning, the history,
the confirmation page of the moves that need a note, and the draft's preview."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db.models import F
from django.urls import reverse
from django.utils import translation

from factcheck import services
from factcheck.models import (
    Claim,
    CorrectionKind,
    Event,
    FactCheck,
    Language,
    Status,
    next_step,
)
from factcheck.roles import STEP_ROLES, Role
from tests import factories
from tests.admin_forms import change_form_data

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
QUEUE = reverse("admin:factcheck_claim_changelist")


def change_url(claim: Claim) -> str:
    return reverse("admin:factcheck_claim_change", args=[claim.pk])


def confirm_url(claim: Claim, to: str) -> str:
    return reverse("admin:factcheck_claim_transition", args=[claim.pk]) + f"?to={to}"


def preview_url(claim: Claim) -> str:
    return reverse("admin:factcheck_claim_preview", args=[claim.pk])


def whats_next(response) -> str:
    return str(response.context["whats_next"])


# --- What happens next, and who does it ----------------------------------------------


def test_it_tells_a_fact_checker_a_new_claim_waits_for_an_editor(client, fact_checker):
    claim = factories.claim()
    client.force_login(fact_checker)

    response = client.get(change_url(claim))

    assert "Waiting for an editor to accept it or dismiss it." in response.text
    assert "No workflow step is open to you" not in response.text


def test_it_tells_an_editor_a_new_claim_waits_for_them(client, editor):
    claim = factories.claim()
    client.force_login(editor)

    response = client.get(change_url(claim))

    assert whats_next(response) == "Your turn: accept it, or dismiss it with a note."


def test_it_says_it_in_arabic(client, fact_checker):
    claim = factories.claim()
    client.force_login(fact_checker)

    response = client.get(change_url(claim), HTTP_ACCEPT_LANGUAGE="ar")

    assert "بانتظار محرر ليقبل الادعاء أو يرفضه." in response.text


def test_it_names_whoever_the_research_waits_for(
    client, editor, fact_checker, second_fact_checker
):
    claim = factories.claim(status=Status.IN_RESEARCH, assignee=fact_checker)
    services.ensure_draft(claim)

    client.force_login(second_fact_checker)
    waiting = whats_next(client.get(change_url(claim)))
    client.force_login(fact_checker)
    mine = whats_next(client.get(change_url(claim)))

    assert waiting == ("Waiting for Fatima to finish the draft and send it for review.")
    assert mine.startswith("Your turn: finish the draft")


def test_it_sends_the_author_of_a_draft_to_another_editor_for_approval(client, editor):
    claim = factories.claim_at(Status.IN_REVIEW, author=editor)
    client.force_login(editor)

    response = client.get(change_url(claim), HTTP_ACCEPT_LANGUAGE="ar")

    assert "بانتظار محرر لم يشارك في كتابة المسودة" in whats_next(response)


@pytest.mark.parametrize(
    "status", [Status.PUBLISHED, Status.RETRACTED, Status.DISMISSED]
)
def test_it_says_when_nothing_waits(client, editor, status):
    claim = factories.claim_at(status)
    client.force_login(editor)

    assert "Nothing" in whats_next(client.get(change_url(claim)))


def test_it_names_for_each_step_a_role_that_holds_its_permission():
    for status in Status.values:
        step = next_step(status)
        if step is None:
            continue
        _to, permission = step
        app, codename = permission.split(".")
        holders = Group.objects.filter(
            permissions=Permission.objects.get(
                codename=codename, content_type__app_label=app
            )
        )
        assert STEP_ROLES[permission] in holders.values_list("name", flat=True)
    # The least senior role: a step a fact-checker can take is not "an editor's".
    fact_checkers = Group.objects.get(name=Role.FACT_CHECKER)
    for permission, role in STEP_ROLES.items():
        app, codename = permission.split(".")
        held = fact_checkers.permissions.filter(codename=codename).exists()
        assert (role == Role.FACT_CHECKER) == held


# --- Assigning ---------------------------------------------------------------------


def press(client, claim, to: str, **fields):
    page = client.get(change_url(claim))
    return client.post(
        change_url(claim),
        change_form_data(page, transition=to, **fields),
        follow=True,
    )


def test_it_lets_an_editor_assign_a_claim_to_a_fact_checker_from_its_page(
    client, editor, fact_checker
):
    claim = factories.claim(status=Status.ACCEPTED)
    client.force_login(editor)

    response = press(
        client, claim, "assign", **{"transition-assignee": fact_checker.pk}
    )

    assert "The claim is assigned to Fatima." in response.text
    claim.refresh_from_db()
    assert claim.assignee == fact_checker
    assert claim.events.get(kind="assign").actor == editor
    # The history says who, without repeating each event's own name as a caption.
    assert "Assigned to Fatima" in response.text
    assert str(claim.events.get(kind="assign")) not in response.text


def test_it_offers_editors_everyone_who_may_research_and_nobody_else(
    client, editor, fact_checker, administrator, outsider
):
    claim = factories.claim(status=Status.ACCEPTED)
    client.force_login(editor)

    form = client.get(change_url(claim)).context["assign_form"]

    offered = set(form.fields["assignee"].queryset)
    assert offered == {editor, fact_checker}


def test_it_refuses_a_fact_checker_who_assigns_a_claim_to_someone_else(
    client, fact_checker, second_fact_checker
):
    claim = factories.claim(status=Status.ACCEPTED)
    client.force_login(fact_checker)

    page = client.get(change_url(claim))
    assert page.context.get("assign_form") is None
    response = press(
        client, claim, "assign", **{"transition-assignee": second_fact_checker.pk}
    )

    assert "Only editors assign claims to other people." in response.text
    claim.refresh_from_db()
    assert claim.assignee is None


def test_it_refuses_to_assign_a_claim_to_someone_without_a_role(
    client, editor, administrator
):
    claim = factories.claim(status=Status.ACCEPTED)
    client.force_login(editor)

    response = press(
        client, claim, "assign", **{"transition-assignee": administrator.pk}
    )

    assert "Choose someone from the list." in response.text
    claim.refresh_from_db()
    assert claim.assignee is None


def test_it_lets_editors_assign_from_the_queue(client, editor, fact_checker):
    claims = [factories.claim(), factories.claim()]
    client.force_login(editor)

    response = client.post(
        QUEUE,
        {
            "action": "assign_to",
            "_selected_action": [c.pk for c in claims],
            "assignee": fact_checker.pk,
            "index": 0,
        },
        follow=True,
    )

    assert "2 claims assigned to Fatima." in response.text
    assert set(Claim.objects.values_list("assignee", flat=True)) == {fact_checker.pk}


def test_it_does_not_offer_fact_checkers_assigning_from_the_queue(
    client, fact_checker, second_fact_checker
):
    claim = factories.claim()
    client.force_login(fact_checker)

    page = client.get(QUEUE)
    response = client.post(
        QUEUE,
        {
            "action": "assign_to",
            "_selected_action": [claim.pk],
            "assignee": second_fact_checker.pk,
            "index": 0,
        },
        follow=True,
    )

    assert "assignee" not in page.context["action_form"].fields
    claim.refresh_from_db()
    assert claim.assignee is None
    assert not Event.objects.filter(kind="assign").exists()
    assert response.status_code == 200


# --- Typed work is saved before the move ---------------------------------------------


def test_it_saves_the_draft_then_sends_it_for_review_in_one_press(client, fact_checker):
    claim = factories.claim(status=Status.IN_RESEARCH, assignee=fact_checker)
    services.ensure_draft(claim)
    factories.source(claim)
    rating = factories.rating(5)
    client.force_login(fact_checker)

    press(
        client,
        claim,
        Status.IN_REVIEW,
        **{
            "factcheck-0-headline": "Turkey is not a party",
            "factcheck-0-rating": rating.pk,
            "factcheck-0-summary": "True.",
        },
    )

    claim.refresh_from_db()
    assert claim.status == Status.IN_REVIEW
    assert claim.factcheck.headline == "Turkey is not a party"
    kinds = list(claim.events.order_by("pk").values_list("kind", flat=True))
    assert kinds[-2:] == ["edit", "transition"]


def test_it_gives_the_page_back_as_typed_when_a_service_refuses_under_the_lock(
    client, fact_checker, second_fact_checker, monkeypatch
):
    claim = factories.claim(status=Status.IN_RESEARCH, assignee=fact_checker)
    draft = services.ensure_draft(claim)
    client.force_login(fact_checker)
    real_save_draft = services.save_draft

    def a_colleague_saves_first(factcheck, **kwargs):
        # The race the form's own check cannot see: a colleague's save lands
        # between the form's validation and the service's row lock.
        FactCheck.objects.filter(pk=draft.pk).update(version=F("version") + 1)
        return real_save_draft(factcheck, **kwargs)

    monkeypatch.setattr(services, "save_draft", a_colleague_saves_first)

    response = press(
        client, claim, Status.IN_REVIEW, **{"factcheck-0-headline": "My headline"}
    )

    assert "This fact-check was changed by someone else" in response.text
    assert 'value="My headline"' in response.text
    claim.refresh_from_db()
    assert claim.status == Status.IN_RESEARCH
    assert FactCheck.objects.get(pk=draft.pk).headline == ""


# --- A page of its own for dismissing, sending back and retracting -------------------


def test_it_sends_a_button_that_needs_a_note_to_its_own_page(client, editor):
    claim = factories.claim_at(Status.IN_REVIEW)
    client.force_login(editor)

    response = press(client, claim, Status.IN_RESEARCH)

    assert response.redirect_chain[-1][0] == confirm_url(claim, Status.IN_RESEARCH)
    assert "Send this claim back to research?" in response.text
    claim.refresh_from_db()
    assert claim.status == Status.IN_REVIEW


def test_it_carries_a_note_typed_on_the_claim_page_to_the_confirmation_page(
    client, editor
):
    claim = factories.claim()
    client.force_login(editor)

    response = press(
        client, claim, Status.DISMISSED, transition_note="Opinion, not a claim"
    )

    assert response.context["form"]["note"].value() == "Opinion, not a claim"
    claim.refresh_from_db()
    assert claim.status == Status.SUBMITTED


@pytest.mark.parametrize(
    ("status", "to"),
    [
        (Status.SUBMITTED, Status.DISMISSED),
        (Status.IN_REVIEW, Status.IN_RESEARCH),
        (Status.PUBLISHED, Status.RETRACTED),
    ],
)
def test_it_moves_only_with_the_note_given_on_the_confirmation_page(
    client, editor, status, to
):
    claim = factories.claim_at(status)
    client.force_login(editor)
    page = client.get(confirm_url(claim, to))
    version = page.context["form"]["version"].value()

    refused = client.post(confirm_url(claim, to), {"version": version, "note": " "})
    claim.refresh_from_db()
    assert refused.status_code == 200
    assert "This field is required." in refused.text
    assert claim.status == status

    done = client.post(
        confirm_url(claim, to), {"version": version, "note": "Why, in full."}
    )
    assert done.status_code == 302
    claim.refresh_from_db()
    assert claim.status == to
    assert claim.events.get(to_status=to).note == "Why, in full."


def test_it_refuses_the_confirmation_page_to_someone_who_may_not_move(
    client, fact_checker
):
    claim = factories.claim_at(Status.PUBLISHED)
    client.force_login(fact_checker)

    assert client.get(confirm_url(claim, Status.RETRACTED)).status_code == 403
    response = client.post(
        confirm_url(claim, Status.RETRACTED), {"version": claim.version, "note": "x"}
    )
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.status == Status.PUBLISHED


def test_it_keeps_people_without_a_role_off_the_confirmation_page(
    client, staff_without_role
):
    claim = factories.claim()
    client.force_login(staff_without_role)

    response = client.get(confirm_url(claim, Status.DISMISSED))

    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


# --- The preview ---------------------------------------------------------------------


@pytest.fixture
def draft_in_review():
    claim = factories.claim_at(Status.IN_REVIEW, language=Language.ARABIC)
    FactCheck.objects.filter(claim=claim).update(
        headline="عنوان المسودة zzpreviewzz",
        summary="خلاصة المسودة zzpreviewzz",
        body="## ما قيل\n\nنص **المسودة** zzpreviewzz",
        language=Language.ARABIC,
    )
    return claim


def test_it_previews_the_draft_as_the_public_page_would_show_it(
    client, fact_checker, draft_in_review
):
    claim = draft_in_review
    client.force_login(fact_checker)

    response = client.get(preview_url(claim))

    assert response.status_code == 200
    # The public page's own template, with the parts a publication stores.
    assert "factcheck/factcheck_detail.html" in {t.name for t in response.templates}
    html = response.text
    assert '<html lang="ar" dir="rtl">' in html
    assert "معاينة — غير منشور" in html
    assert "<h2>ما قيل</h2>" in html
    assert "<strong>المسودة</strong>" in html
    assert claim.sources.get().title in html
    assert '"@type":"ClaimReview"' in html
    assert '<meta name="robots" content="noindex">' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_it_links_the_preview_from_the_claim_page_and_the_queue(
    client, editor, draft_in_review
):
    client.force_login(editor)

    page = client.get(change_url(draft_in_review))
    queue = client.get(QUEUE)

    assert f'href="{preview_url(draft_in_review)}"' in page.text
    assert f'href="{preview_url(draft_in_review)}"' in queue.text


def test_it_sends_anonymous_readers_of_a_preview_to_the_login_page(
    client, draft_in_review
):
    response = client.get(preview_url(draft_in_review))

    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


@pytest.mark.parametrize("persona", ["outsider", "staff_without_role"])
def test_it_keeps_people_without_a_role_off_the_preview(
    client, request, persona, draft_in_review
):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(preview_url(draft_in_review))

    assert response.status_code == 302
    assert "zzpreviewzz" not in response.text


def test_it_refuses_the_preview_to_a_role_that_may_not_see_claims(
    client, administrator, draft_in_review
):
    client.force_login(administrator)

    response = client.get(preview_url(draft_in_review))

    assert response.status_code == 403
    assert "zzpreviewzz" not in response.text


def test_it_shows_the_previewed_draft_on_no_public_surface(
    client, fact_checker, draft_in_review
):
    cache.clear()
    factcheck = draft_in_review.factcheck
    client.force_login(fact_checker)
    assert client.get(preview_url(draft_in_review)).status_code == 200
    client.logout()

    with translation.override("ar"):
        public = [
            factcheck.get_absolute_url(),
            reverse("home"),
            reverse("factcheck_list"),
            reverse("factcheck_list") + "?q=المسودة",
        ]
    public += [
        "/sitemap.xml",
        "/feeds/rss/",
        "/feeds/atom/",
        "/feeds/ar/rss/",
        "/api/v1/factchecks/",
        "/api/v1/factchecks/?search=zzpreviewzz",
        "/api/v1/claimreview/",
    ]
    for address in public:
        response = client.get(address)
        # The DataFeed streams; the rest are whole.
        body = b"".join(response) if response.streaming else response.content
        assert "zzpreviewzz" not in body.decode(), address
        assert "معاينة" not in body.decode(), address
    assert client.get(factcheck.get_absolute_url()).status_code == 404


def test_it_has_nothing_to_preview_before_research(client, editor):
    claim = factories.claim(status=Status.ACCEPTED)
    client.force_login(editor)

    assert client.get(preview_url(claim)).status_code == 404


# --- A retracted fact-check's notice -------------------------------------------------


def test_it_names_what_was_retracted_without_the_withdrawn_verdict(client):
    factcheck = factories.factcheck_at(
        Status.RETRACTED,
        claim_fields={
            "text": "Turkey is a party to the Rome Statute",
            "language": Language.ENGLISH,
        },
        headline="Headline withdrawn",
        summary="Summary withdrawn",
        rating=factories.rating(1),
    )
    factories.correction(
        factcheck, kind=CorrectionKind.RETRACTION, note="The list was out of date."
    )

    response = client.get(factcheck.get_absolute_url())

    assert response.status_code == 404
    html = response.text
    assert "Turkey is a party to the Rome Statute" in html
    assert factcheck.claim.claimant.name in html
    assert "The list was out of date." in html
    assert "We retracted it on" in html
    for withdrawn in ("Headline withdrawn", "Summary withdrawn", "Verdict:", "False"):
        assert withdrawn not in html


def test_it_builds_the_preview_in_a_fixed_number_of_queries(
    client, fact_checker, draft_in_review, django_assert_num_queries
):
    client.force_login(fact_checker)
    client.get(preview_url(draft_in_review))  # warm the session and caches
    claim = draft_in_review
    for n in range(3):
        factories.source(claim, url=f"https://evidence.example/{n}")
        claim.tags.add(factories.tag())

    # session, user, the user's two permission sets, the claim, the draft with
    # claimant, rating and approver, its appearances, sources, corrections,
    # authors and tags, the related fact-checks and the rating scale's bounds.
    with django_assert_num_queries(PINNED_PREVIEW_QUERIES):
        response = client.get(preview_url(claim))
    assert response.status_code == 200


PINNED_PREVIEW_QUERIES = 13
