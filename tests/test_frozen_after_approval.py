"""What the approval covered (the claim, where it appeared, its sources, the draft)
is frozen from approval until it is sent back to research; after publication it
changes only through a public correction, at every door and in the database."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from factcheck import services
from factcheck.models import (
    Appearance,
    Claim,
    Correction,
    CorrectionKind,
    EventKind,
    FactCheck,
    Source,
    Status,
)
from tests import factories
from tests.admin_forms import change_form_data
from tests.api import (  # noqa: F401 (fixtures)
    editor_api,
    fact_checker_api,
)

pytestmark = pytest.mark.django_db

CLAIMS = "/api/v1/claims/"
FROZEN = "send it back to research"


def change_url(claim: Claim) -> str:
    return reverse("admin:factcheck_claim_change", args=[claim.pk])


def page_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def with_appearance(claim: Claim, quote: str = "As quoted") -> Appearance:
    return Appearance.objects.create(
        claim=claim, article=factories.article(), quote=quote, is_first=True
    )


def record(claim: Claim) -> tuple:
    claim.refresh_from_db()
    return (
        claim.text,
        claim.claimant_id,
        claim.claimed_on,
        claim.language,
        sorted(claim.appearances.values_list("article_id", "quote", "is_first")),
        sorted(claim.sources.values_list("url", "title")),
    )


# --- Approved: frozen until sent back ------------------------------------------------


def test_it_answers_409_to_a_patch_of_an_approved_claims_text(
    editor_api,  # noqa: F811
):
    claim = factories.claim_at(Status.APPROVED)
    before = record(claim)

    response = editor_api.patch(
        f"{CLAIMS}{claim.pk}/",
        {"text": "Turkey ratified the Rome Statute", "version": claim.version},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "guard_failed"
    assert FROZEN in response.json()["detail"]
    assert record(claim) == before


@pytest.mark.parametrize(
    "change",
    [
        {"claimant": None},
        {"claimed_on": "2023-03-17"},
        {"language": "en"},
    ],
)
def test_it_refuses_every_approved_claim_field_through_the_api(
    editor_api,  # noqa: F811
    change,
):
    claim = factories.claim_at(Status.APPROVED)
    before = record(claim)

    response = editor_api.patch(
        f"{CLAIMS}{claim.pk}/", {**change, "version": claim.version}, format="json"
    )

    assert response.status_code == 409
    assert record(claim) == before


def test_it_still_lets_an_editor_reprioritise_and_tag_an_approved_claim(editor):
    claim = factories.claim_at(Status.APPROVED)
    tag = factories.tag()

    services.update_claim(
        claim,
        actor=editor,
        expected_version=claim.version,
        changes={"priority": 3},
        tags=[tag],
    )

    claim.refresh_from_db()
    assert (claim.priority, list(claim.tags.all())) == (3, [tag])


def test_it_lets_the_claim_change_once_sent_back_to_research(editor, second_editor):
    claim = factories.claim_at(Status.APPROVED)
    services.transition(
        claim, to=Status.IN_RESEARCH, actor=second_editor, note="Check the date."
    )

    services.update_claim(
        claim,
        actor=editor,
        expected_version=claim.version,
        changes={"text": "Turkey has not ratified the Rome Statute"},
    )

    claim.refresh_from_db()
    assert claim.text == "Turkey has not ratified the Rome Statute"


def test_it_shows_an_approved_claim_read_only_in_the_admin(client, editor):
    claim = factories.claim_at(Status.APPROVED)
    with_appearance(claim)
    client.force_login(editor)
    before = record(claim)

    page = client.get(change_url(claim))
    data = change_form_data(page, text="Turkey ratified the Rome Statute")
    data["appearances-0-quote"] = "Quietly changed"
    response = client.post(change_url(claim), data)

    assert 'name="text"' not in page.content.decode()
    assert 'name="appearances-0-quote"' not in page.content.decode()
    assert response.status_code == 302
    assert record(claim) == before


def test_it_refuses_a_claim_approved_while_its_form_was_open(
    client, editor, second_editor, fact_checker
):
    claim = factories.claim_at(Status.IN_REVIEW, author=fact_checker)
    client.force_login(editor)
    data = change_form_data(
        client.get(change_url(claim)), text="Turkey ratified the Rome Statute"
    )
    services.transition(claim, to=Status.APPROVED, actor=second_editor)

    response = client.post(change_url(claim), data)

    assert "Someone else saved this claim" in response.content.decode()
    claim.refresh_from_db()
    assert claim.text != "Turkey ratified the Rome Statute"


@pytest.mark.parametrize("status", [Status.APPROVED, Status.PUBLISHED])
def test_it_refuses_appearance_writes_after_approval(fact_checker, editor, status):
    claim = factories.claim_at(Status.APPROVED)
    appearance = with_appearance(claim)
    if status == Status.PUBLISHED:
        factories.make_public(claim)
    before = record(claim)

    with pytest.raises(services.GuardFailed):
        services.add_appearance(claim, actor=fact_checker, article=factories.article())
    with pytest.raises(services.GuardFailed):
        services.update_appearance(appearance, actor=fact_checker, quote="Changed")
    with pytest.raises(services.GuardFailed):
        services.remove_appearance(appearance, actor=editor)
    assert record(claim) == before


def test_it_refuses_source_writes_on_a_published_claim_through_the_api(
    fact_checker_api,  # noqa: F811
):
    claim = factories.claim_at(Status.PUBLISHED)
    source = claim.sources.get()
    before = record(claim)

    added = fact_checker_api.post(
        f"{CLAIMS}{claim.pk}/sources/",
        {"url": "https://example.org/new", "title": "New"},
        format="json",
    )
    edited = fact_checker_api.patch(
        f"/api/v1/sources/{source.pk}/", {"title": "Changed"}, format="json"
    )
    removed = fact_checker_api.delete(f"/api/v1/sources/{source.pk}/")

    assert [added.status_code, edited.status_code, removed.status_code] == [409] * 3
    assert "correction" in added.json()["detail"]
    assert record(claim) == before


# --- Appearances edited in place -----------------------------------------------------


def test_it_edits_an_appearances_article_in_place_from_the_admin(client, fact_checker):
    claim = factories.claim(status=Status.IN_RESEARCH)
    appearance = with_appearance(claim, quote="ليست طرفا")
    elsewhere = factories.article()
    client.force_login(fact_checker)
    data = change_form_data(client.get(change_url(claim)))
    data["appearances-0-article"] = elsewhere.pk

    response = client.post(change_url(claim), data)

    assert response.status_code == 302
    assert list(claim.appearances.values_list("pk", "article", "is_first")) == [
        (appearance.pk, elsewhere.pk, True)
    ]
    event = claim.events.get(kind=EventKind.EDIT)
    assert event.subject == appearance
    assert event.data["previous"] == {"article": appearance.article_id}


def test_it_moves_the_first_mark_to_the_appearance_marked_first(fact_checker):
    claim = factories.claim(status=Status.IN_RESEARCH)
    first = with_appearance(claim)
    later = services.add_appearance(
        claim, actor=fact_checker, article=factories.article()
    )

    services.update_appearance(later, actor=fact_checker, is_first=True)

    assert dict(claim.appearances.values_list("pk", "is_first")) == {
        first.pk: False,
        later.pk: True,
    }


def test_it_refuses_a_second_appearance_in_the_same_article(fact_checker):
    claim = factories.claim(status=Status.IN_RESEARCH)
    appearance = with_appearance(claim)

    with pytest.raises(services.GuardFailed, match="already has an appearance"):
        services.add_appearance(
            claim, actor=fact_checker, article=appearance.article, quote="Again"
        )

    assert claim.appearances.get().quote == "As quoted"


def test_it_lets_only_those_who_may_edit_appearances_edit_them(outsider):
    claim = factories.claim(status=Status.IN_RESEARCH)
    appearance = with_appearance(claim)

    with pytest.raises(services.NotAllowed):
        services.update_appearance(appearance, actor=outsider, quote="Changed")

    assert claim.appearances.get().quote == "As quoted"


# --- Published: only through a public correction --------------------------------------


def test_it_does_not_let_a_fact_checker_touch_a_published_claims_appearances(
    client, fact_checker
):
    factcheck = factories.public_factcheck()
    claim = factcheck.claim
    client.force_login(fact_checker)
    before = record(claim)

    page = client.get(change_url(claim))
    data = change_form_data(page)
    data["appearances-0-quote"] = "Quietly changed"
    client.post(change_url(claim), data)

    assert 'name="appearances-0-quote"' not in page.content.decode()
    assert 'name="text"' not in page.content.decode()
    assert record(claim) == before
    assert not Correction.objects.exists()


def test_it_corrects_a_published_quote_from_the_claim_page_with_a_public_note(
    client, editor, django_capture_on_commit_callbacks
):
    factcheck = factories.public_factcheck()
    claim = factcheck.claim
    appearance = claim.appearances.get()
    client.force_login(editor)
    data = change_form_data(client.get(change_url(claim)))
    data["appearances-0-quote"] = "The exact words"

    refused = client.post(change_url(claim), data)
    # The page comes back as typed, the refusal on top as the form's error.
    assert refused.status_code == 200
    assert "A correction needs a public note saying what changed." in refused.text
    assert "The exact words" in refused.text
    assert claim.appearances.get().quote == "As quoted 0"

    data["correction_note"] = "We misquoted the minister."
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(change_url(claim), data)

    assert response.status_code == 302
    assert claim.appearances.get().quote == "The exact words"
    correction = Correction.objects.get(factcheck=factcheck)
    assert (correction.kind, correction.note) == (
        CorrectionKind.CORRECTION,
        "We misquoted the minister.",
    )
    assert correction.previous == {
        "appearances": [
            {"changed": appearance.pk, "previous": {"quote": "As quoted 0"}}
        ]
    }
    assert claim.events.filter(kind=EventKind.CORRECTION).count() == 1
    assert callbacks  # the public pages are purged once it commits
    public = client.get(factcheck.get_absolute_url()).content.decode()
    assert "The exact words" in public
    assert "We misquoted the minister." in public


def test_it_corrects_a_published_claims_text_and_keeps_what_it_said(editor):
    factcheck = factories.public_factcheck()
    claim = factcheck.claim
    old_text, old_claimant = claim.text, claim.claimant_id

    services.correct(
        factcheck,
        actor=editor,
        kind=CorrectionKind.CORRECTION,
        note="The claim was said by the spokesman, not the minister.",
        claim_changes={"text": "Turkey is not a party", "claimant": None},
    )

    claim.refresh_from_db()
    assert (claim.text, claim.claimant_id) == ("Turkey is not a party", None)
    correction = Correction.objects.get(factcheck=factcheck)
    assert correction.previous == {
        "claim": {"text": old_text, "claimant": old_claimant}
    }


def test_it_adds_and_removes_appearances_of_a_published_claim_by_correction(editor):
    factcheck = factories.public_factcheck(appearances=2)
    claim = factcheck.claim
    first, second = claim.appearances.order_by("-is_first", "pk")
    repeated = factories.article()

    services.correct(
        factcheck,
        actor=editor,
        kind=CorrectionKind.UPDATE,
        note="The claim was repeated on television; one link was wrong.",
        appearances=[
            services.AppearanceEdit(values={"article": repeated, "quote": "Again"}),
            services.AppearanceEdit(appearance=second, remove=True),
        ],
    )

    assert sorted(claim.appearances.values_list("article", flat=True)) == sorted(
        [first.article_id, repeated.pk]
    )
    previous = Correction.objects.get(factcheck=factcheck).previous["appearances"]
    assert previous[0] == {
        "added": {"article": repeated.pk, "quote": "Again"},
    }
    assert previous[1]["removed"] == second.pk
    assert previous[1]["previous"]["quote"] == second.quote


def test_it_refuses_to_correct_a_retracted_claim(editor):
    claim = factories.claim_at(Status.RETRACTED)
    before = record(claim)

    with pytest.raises(services.GuardFailed):
        services.correct(
            claim.factcheck,
            actor=editor,
            kind=CorrectionKind.CORRECTION,
            note="Too late.",
            claim_changes={"text": "Changed"},
        )

    assert record(claim) == before


# --- The database holds the published record too -----------------------------

# A licensed change is told by a Correction written in the same transaction, so
# these need real transactions (see test_corrections.py).
real_transactions = pytest.mark.django_db(transaction=True, serialized_rollback=True)
NEEDS_CORRECTION = "change only with a public correction"


@real_transactions
@pytest.mark.parametrize(
    "change",
    [
        {"text": "Quietly changed"},
        {"claimant": None},
        {"claimed_on": "2020-01-01"},
        {"language": "en"},
    ],
)
def test_the_database_refuses_a_silent_change_to_a_published_claim(change):
    claim = factories.claim_at(Status.PUBLISHED)
    before = record(claim)

    with pytest.raises(IntegrityError, match="changes only with a public correction"):
        Claim.objects.filter(pk=claim.pk).update(**change)

    assert record(claim) == before


@real_transactions
def test_the_database_refuses_silent_changes_to_published_appearances_and_sources():
    factcheck = factories.public_factcheck()
    claim = factcheck.claim
    before = record(claim)
    writes = [
        lambda: claim.appearances.update(quote="Quietly changed"),
        lambda: claim.appearances.all().delete(),
        lambda: Appearance.objects.create(claim=claim, article=factories.article()),
        lambda: claim.sources.update(title="Quietly changed"),
        lambda: Source.objects.filter(claim=claim).delete(),
        lambda: factories.source(claim, url="https://example.org/added"),
    ]

    for write in writes:
        with (
            pytest.raises(IntegrityError, match=NEEDS_CORRECTION),
            transaction.atomic(),
        ):
            write()

    assert record(claim) == before


@real_transactions
def test_the_database_lets_background_work_update_a_published_sources_link():
    claim = factories.claim_at(Status.PUBLISHED)

    claim.sources.update(link_status="gone")

    assert claim.sources.get().link_status == "gone"


@real_transactions
def test_the_database_accepts_a_change_written_with_its_correction(editor):
    claim = factories.claim_at(Status.PUBLISHED)

    with transaction.atomic():
        factories.correction(FactCheck.objects.get(claim=claim), created_by=editor)
        Claim.objects.filter(pk=claim.pk).update(text="Corrected text")
        claim.sources.update(title="Corrected title")

    assert record(claim)[0] == "Corrected text"
    assert claim.sources.get().title == "Corrected title"
