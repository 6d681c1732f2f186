"""Service rules that every door (admin, API, tasks) relies on."""

import pytest
from django.core.exceptions import ValidationError
from django.utils.text import slugify

from factcheck import services
from factcheck.models import (
    Appearance,
    Article,
    Claim,
    Event,
    EventKind,
    FactCheck,
    Language,
    Status,
)
from tests import factories

pytestmark = pytest.mark.django_db


def test_it_refuses_a_move_to_a_status_that_does_not_exist(editor):
    claim = factories.claim()

    with pytest.raises(services.InvalidTransition, match="is not a status"):
        services.transition(claim, to="bogus", actor=editor)

    assert Claim.objects.get(pk=claim.pk).status == Status.SUBMITTED


def test_it_starts_every_submitted_claim_at_the_beginning_unassigned(editor):
    claim = services.submit_claim(
        text="Turkey is not a party to the Rome Statute",
        language=Language.ENGLISH,
        actor=editor,
    )

    assert (claim.status, claim.assignee, claim.version) == (Status.SUBMITTED, None, 1)
    with pytest.raises(TypeError):
        services.submit_claim(text="x", language="en", status=Status.PUBLISHED)


def test_it_lets_only_editors_set_priority_on_a_new_claim(fact_checker, editor):
    with pytest.raises(services.NotAllowed):
        services.submit_claim(
            text="claim", language="en", actor=fact_checker, priority=3
        )
    claim = services.submit_claim(text="claim", language="en", actor=editor, priority=3)

    assert claim.priority == 3
    assert Claim.objects.count() == 1


@pytest.mark.parametrize(
    "text", ["", "   ", "has a NUL \x00 in it", "bidi \u202e text"]
)
def test_it_refuses_an_unusable_submitted_claim_with_a_message(text):
    with pytest.raises(ValidationError) as refused:
        services.submit_claim(text=text, language=Language.ARABIC)

    assert "text" in refused.value.message_dict
    assert not Claim.objects.exists()
    assert not Event.objects.exists()


def test_it_makes_whoever_writes_a_draft_before_research_an_author(
    editor, second_editor, fact_checker
):
    claim = factories.claim(status=Status.ACCEPTED)
    draft = services.ensure_draft(claim)
    services.save_draft(
        draft,
        actor=editor,
        expected_version=draft.version,
        changes={"summary": "صحيح: تركيا ليست طرفا."},
    )
    services.transition(claim, to=Status.IN_RESEARCH, actor=fact_checker)
    factories.ready_draft(claim)
    services.transition(claim, to=Status.IN_REVIEW, actor=fact_checker)

    with pytest.raises(services.GuardFailed, match="four eyes"):
        services.transition(claim, to=Status.APPROVED, actor=editor)
    services.transition(claim, to=Status.APPROVED, actor=second_editor)


def test_it_refuses_draft_text_with_bidi_controls_with_a_message(fact_checker):
    claim = factories.claim(status=Status.IN_RESEARCH)
    draft = services.ensure_draft(claim)

    with pytest.raises(ValidationError) as refused:
        services.save_draft(
            draft,
            actor=fact_checker,
            expected_version=draft.version,
            changes={"headline": "evil \u202e headline"},
        )

    assert "U+202E" in refused.value.message_dict["headline"][0]
    assert FactCheck.objects.get(pk=draft.pk).headline == ""


def test_it_refuses_an_article_link_that_is_not_http_and_an_outsider(
    fact_checker, outsider
):
    outlet = factories.outlet()
    fields = {"outlet": outlet, "title": "t", "language": Language.ARABIC}

    with pytest.raises(ValidationError) as refused:
        services.get_or_create_article(
            actor=fact_checker, url="javascript:alert(1)", **fields
        )
    assert "Only http:// and https:// links are accepted." in str(refused.value)
    with pytest.raises(services.NotAllowed):
        services.get_or_create_article(
            actor=outsider, url="https://addiyar.com/a/1", **fields
        )
    assert not Article.objects.exists()


def test_it_records_only_what_an_edit_really_changed(editor):
    claim = factories.claim(text="نص")
    tag = factories.tag()

    services.update_claim(
        claim,
        actor=editor,
        expected_version=claim.version,
        changes={"text": "نص", "language": claim.language},
        tags=[tag],
    )

    event = claim.events.get(kind=EventKind.EDIT)
    assert event.data == {"fields": ["tags"], "previous": {"tags": []}}
    assert list(claim.tags.all()) == [tag]


def test_it_writes_nothing_when_an_edit_changes_nothing(editor):
    claim = factories.claim()

    services.update_claim(
        claim, actor=editor, expected_version=claim.version, changes={}, tags=[]
    )

    assert Claim.objects.get(pk=claim.pk).version == claim.version
    assert not claim.events.exists()


def test_it_does_not_record_an_assignment_that_changes_nothing(fact_checker):
    claim = factories.claim(status=Status.ACCEPTED)
    services.assign(claim, actor=fact_checker, assignee=fact_checker)
    services.assign(claim, actor=fact_checker, assignee=fact_checker)

    assert claim.events.filter(kind=EventKind.ASSIGN).count() == 1


def test_it_cuts_a_long_slug_at_a_word_boundary():
    claim = factories.claim(
        text="Turkey is not a party to the Rome Statute of the International "
        "Criminal Court, so Putin could visit Ankara without arrest",
        language=Language.ENGLISH,
    )

    slug = services.ensure_draft(claim).slug

    full = slugify(claim.text)
    assert len(slug) <= 80
    assert full.startswith(slug)
    assert full[len(slug)] == "-"  # the cut falls between two words


def test_it_keeps_a_first_appearance_when_the_first_is_removed(fact_checker):
    claim = factories.claim()
    first = services.add_appearance(
        claim, actor=fact_checker, article=factories.article(), is_first=True
    )
    later = services.add_appearance(
        claim, actor=fact_checker, article=factories.article()
    )

    services.remove_appearance(first, actor=fact_checker)

    assert Appearance.objects.get(pk=later.pk).is_first is True


@pytest.mark.parametrize(
    "query", ["الجنائية", "الجنائيه", "مصطفي", "مصطفى", "المحكمه", "محكمة"]
)
def test_it_finds_arabic_text_whatever_the_final_letter_spelling(query):
    claim = factories.claim(
        text="قال مصطفى إن المحكمة الجنائية الدولية أصدرت مذكرة اعتقال"
    )

    assert list(Claim.objects.search(query)) == [claim]
