"""A fact-check's page is stored by the write that changes it (factcheck/pages.py),
and the writes that store it run a fixed number of queries."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from factcheck import services
from factcheck.models import (
    Claimant,
    CorrectionKind,
    FactCheck,
    PublicPage,
    SourceKind,
    Stance,
    Status,
)
from factcheck.pages import related_ids, render_missing_pages, render_page
from tests import factories

pytestmark = pytest.mark.django_db


def stored(factcheck: FactCheck) -> PublicPage | None:
    return PublicPage.objects.filter(factcheck=factcheck).first()


def test_it_stores_the_page_in_the_transaction_that_publishes_it(
    editor, django_assert_num_queries
):
    claim = factories.claim_at(Status.APPROVED, language="en")
    FactCheck.objects.filter(claim=claim).update(headline="Published just now")
    with django_assert_num_queries(PUBLISH_QUERIES):
        services.transition(claim, to=Status.PUBLISHED, actor=editor)
    factcheck = FactCheck.objects.get(claim=claim)
    page = stored(factcheck)
    assert page.version == factcheck.version
    assert "Published just now" in page.article
    assert '"@type":"ClaimReview"' in page.claim_review


def test_it_stores_the_page_again_with_the_correction(
    editor, django_assert_num_queries
):
    factcheck = factories.public_factcheck()
    render_page(factcheck.pk)
    with django_assert_num_queries(CORRECT_QUERIES):
        services.correct(
            factcheck,
            actor=editor,
            kind=CorrectionKind.CLARIFICATION,
            note="The second paragraph now names the treaty.",
            summary="A clearer summary of what we found.",
        )
    page = stored(factcheck)
    assert page.version == FactCheck.objects.get(pk=factcheck.pk).version
    assert "The second paragraph now names the treaty." in page.article
    assert "A clearer summary of what we found." in page.article


def test_it_drops_the_page_of_a_retracted_fact_check(editor):
    factcheck = factories.public_factcheck()
    render_page(factcheck.pk)
    services.transition(
        factcheck.claim, to=Status.RETRACTED, actor=editor, note="It was wrong."
    )
    assert stored(factcheck) is None


def test_it_adds_a_source_in_a_fixed_number_of_queries(
    fact_checker, django_assert_num_queries
):
    claim = factories.claim_at(Status.IN_RESEARCH, language="en")
    with django_assert_num_queries(ADD_SOURCE_QUERIES):
        services.add_source(
            claim,
            actor=fact_checker,
            url="https://evidence.example/report",
            title="The ministry's report",
            kind=SourceKind.PRIMARY,
            stance=Stance.REFUTES,
        )


def test_it_drops_the_pages_a_renamed_claimant_shows_on_and_stores_them_again(
    editor,
):
    factcheck = factories.public_factcheck()
    elsewhere = factories.public_factcheck()
    render_page(factcheck.pk)
    render_page(elsewhere.pk)
    claimant = Claimant.objects.get(pk=factcheck.claim.claimant_id)
    claimant.name = "A new name for the minister"
    services.save_reference(claimant, actor=editor)
    assert stored(factcheck) is None
    assert stored(elsewhere) is not None

    assert render_missing_pages() == 1
    assert "A new name for the minister" in stored(factcheck).article


def test_the_command_stores_every_published_page_missing(capsys):
    published = [factories.public_factcheck() for _ in range(3)]
    draft = factories.factcheck_at(Status.APPROVED)
    call_command("render_public_pages")
    assert "Rendered 3 fact-check pages." in capsys.readouterr().out
    assert all(stored(factcheck) for factcheck in published)
    assert stored(draft) is None


@pytest.fixture(autouse=True)
def cold_content_types():
    """The counts below include looking up the content type an Event's subject
    names, which Django then caches per process: cleared, each test counts it
    whichever test ran before it in the same worker."""
    ContentType.objects.clear_cache()


# The workflow's own queries, then the page: the fact-check with its parts (seven),
# the rating scale's bounds, the related fact-checks, and one upsert; and the
# notifications of the move (who to tell, then one insert of them all); and
# whether a published translation's page must name this one now.
PUBLISH_QUERIES = 25
CORRECT_QUERIES = 21
ADD_SOURCE_QUERIES = 11


# --- The public page is the template, filled in -----------------------------------


def the_template_rendered(client, factcheck: FactCheck) -> str:
    """The page as factcheck_detail.html renders it in full for this fact-check,
    as the desk's preview renders a draft."""
    from django.shortcuts import render
    from django.test import RequestFactory
    from django.utils.translation import override

    from factcheck.pages import factcheck_page, page_parts

    with override(factcheck.language):
        factcheck = (
            FactCheck.objects.published()
            .with_published_translation()
            .select_related("public_page")
            .get(pk=factcheck.pk)
        )
        request = RequestFactory().get(factcheck.get_absolute_url())
        context = factcheck_page(factcheck, page_parts(factcheck))
        return render(request, "factcheck/factcheck_detail.html", context).text


@pytest.mark.parametrize("language", ["ar", "en"])
def test_a_public_page_is_exactly_its_template_rendered_in_full(
    client, editor, language
):
    # A translation, related fact-checks, corrections, text to escape: every
    # marked part of the filled template has something in it.
    tag = factories.tag(name="Elections <2026> & after", slug="elections")
    factcheck = factories.public_factcheck(
        language, corrections=1, sources=2, headline='Said "<b>this</b>" & that'
    )
    factcheck.claim.tags.add(tag)
    other = "en" if language == "ar" else "ar"
    translation = factories.public_factcheck(other)
    for _ in range(2):
        factories.public_factcheck(language).claim.tags.add(tag)
    services.link_translation(factcheck, translation=translation, actor=editor)
    render_missing_pages()
    render_page(factcheck.pk)

    served = client.get(factcheck.get_absolute_url())

    assert served.status_code == 200
    assert served.text == the_template_rendered(client, factcheck)
    assert "Related fact-checks" in served.text or "ذات صلة" in served.text
    assert f'hreflang="{other}"' in served.text
    assert "&lt;b&gt;this&lt;/b&gt;" in served.text


def test_a_public_page_without_related_or_translation_is_its_template_too(client):
    factcheck = factories.public_factcheck("en", tags=0)
    render_page(factcheck.pk)

    assert client.get(factcheck.get_absolute_url()).text == the_template_rendered(
        client, factcheck
    )


def test_pages_stored_in_a_batch_name_the_same_related_fact_checks_as_one_by_one():
    first = factories.public_factcheck(tags=2)
    topic, other_topic = first.claim.tags.all()
    others = []
    for n in range(7):
        factcheck = factories.public_factcheck(
            tags=0,
            claim_fields={"claimant": first.claim.claimant} if n == 6 else None,
        )
        factcheck.claim.tags.add(topic if n % 2 else other_topic)
        others.append(factcheck)
    unrelated = factories.public_factcheck()
    every = [first, *others, unrelated]
    # What a page not stored yet shows: one query per page (related_ids).
    one_by_one = {
        f.pk: related_ids(f, list(f.claim.tags.all()))
        for f in FactCheck.objects.with_page_parts().filter(
            pk__in=[f.pk for f in every]
        )
    }

    assert render_missing_pages(batch=4) == len(every)
    assert {f.pk: stored(f).related for f in every} == one_by_one
    assert len(one_by_one[first.pk]) == 4
    assert unrelated.pk not in one_by_one[first.pk]


# The processes read what this test committed; serialized_rollback restores the
# role groups (made by a data migration) that the flush after it removes.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_command_stores_pages_in_several_processes(capsys):
    published = [factories.public_factcheck() for _ in range(5)]
    call_command("render_public_pages", "--processes", "2")
    assert "Rendered 5 fact-check pages." in capsys.readouterr().out
    assert all(stored(factcheck) for factcheck in published)


# --- Cards: stored with the page, joined by every list ----------------------------


def every_list(factcheck: FactCheck) -> dict[str, str]:
    """Where a fact-check's card shows: its language's home page, list, search,
    claimant's and topic's pages."""
    from django.urls import reverse
    from django.utils.translation import override

    with override(factcheck.language):
        return {
            "home": reverse("home"),
            "list": reverse("factcheck_list"),
            "search": reverse("factcheck_list") + "?q=" + factcheck.headline.split()[0],
            "claimant": reverse(
                "claimant_detail", kwargs={"slug": factcheck.claim.claimant.slug}
            ),
            "tag": reverse(
                "tag_detail", kwargs={"slug": factcheck.claim.tags.first().slug}
            ),
        }


def served_fresh(client, path: str) -> str:
    from django.core.cache import cache, caches

    cache.clear()
    caches["pages"].clear()
    response = client.get(path)
    assert response.status_code == 200
    return response.text


@pytest.mark.parametrize("language", ["ar", "en"])
def test_every_list_shows_stored_cards_exactly_as_rendered_from_the_database(
    client, language
):
    factcheck = factories.public_factcheck(
        language, headline='Checked "<b>twice</b>" & more'
    )
    factories.public_factcheck("en" if language == "ar" else "ar")
    from_database = {
        name: served_fresh(client, path) for name, path in every_list(factcheck).items()
    }
    assert render_missing_pages() == 2

    for name, path in every_list(factcheck).items():
        assert served_fresh(client, path) == from_database[name], name
    assert "&lt;b&gt;twice&lt;/b&gt;" in from_database["list"]


def test_a_list_renders_the_cards_of_pages_not_stored_in_one_more_query(
    client, django_assert_num_queries
):
    stored_ones = [factories.public_factcheck("en") for _ in range(3)]
    render_missing_pages()
    dropped = [factories.public_factcheck("en") for _ in range(2)]
    from django.urls import reverse

    with django_assert_num_queries(2):  # the latest cards, then the missing ones
        html = served_fresh(client, reverse("home"))
    for factcheck in stored_ones + dropped:
        assert factcheck.headline in html
    assert html.count('class="card"') == 5


def test_a_card_is_never_served_from_a_page_of_another_version(client):
    factcheck = factories.public_factcheck("en", headline="The headline as it is")
    render_page(factcheck.pk)
    # A row left from an earlier version of the fact-check (its write stored a
    # newer one since, or none yet): its card must not be shown.
    PublicPage.objects.filter(factcheck=factcheck).update(
        version=factcheck.version - 1,
        cards={"en": '<li class="card">As it was before</li>'},
    )
    from django.urls import reverse

    html = served_fresh(client, reverse("factcheck_list"))
    assert "The headline as it is" in html
    assert "As it was before" not in html


def test_a_correction_changes_the_card_every_list_shows(client, editor):
    factcheck = factories.public_factcheck("en", headline="Before the correction")
    render_page(factcheck.pk)
    services.correct(
        factcheck,
        actor=editor,
        kind=CorrectionKind.CLARIFICATION,
        note="The headline now says what we found.",
        headline="After the correction",
    )
    for name, path in every_list(FactCheck.objects.get(pk=factcheck.pk)).items():
        if name == "search":
            continue  # the search's word was the old headline's
        html = served_fresh(client, path)
        assert "After the correction" in html, name
        assert "Before the correction" not in html, name


def test_a_retracted_fact_check_leaves_every_list_and_related_section(client, editor):
    factcheck = factories.public_factcheck("en", headline="Soon retracted")
    neighbour = factories.public_factcheck(
        "en", claim_fields={"claimant": factcheck.claim.claimant}
    )
    render_missing_pages()
    paths = every_list(factcheck)
    services.transition(
        factcheck.claim, to=Status.RETRACTED, actor=editor, note="It was wrong."
    )
    for name, path in [*paths.items(), ("related", neighbour.get_absolute_url())]:
        response = client.get(path)
        assert "Soon retracted" not in response.text, name
