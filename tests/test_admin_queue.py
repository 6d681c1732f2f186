"""The claim queue: the changelist an editor lives in."""

from datetime import timedelta
from functools import partial

import pytest
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import results
from django.contrib.admin.views.main import ChangeList
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from factcheck.admin.claims import OutletFilter, QueuePaginator, TagFilter
from factcheck.admin.forms import QuickSelect
from factcheck.admin.rows import rows
from factcheck.models import Appearance, Language, Priority, Status, Tag
from factcheck.services import intake
from tests import factories

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:factcheck_claim_changelist")


def queue_ids(response) -> list[int]:
    return [claim.pk for claim in response.context["cl"].result_list]


@pytest.fixture
def logged_in_editor(client, editor):
    client.force_login(editor)
    return client


def test_it_lists_open_work_first_then_priority_then_age(logged_in_editor):
    old_normal = factories.claim(priority=Priority.NORMAL)
    urgent = factories.claim(priority=Priority.URGENT)
    published = factories.claim(status=Status.PUBLISHED, priority=Priority.URGENT)
    new_normal = factories.claim(priority=Priority.NORMAL)
    dismissed = factories.claim(status=Status.DISMISSED, priority=Priority.HIGH)

    response = logged_in_editor.get(QUEUE, {"open": "all"})

    assert response.status_code == 200
    ids = queue_ids(response)
    assert ids[:3] == [urgent.pk, old_normal.pk, new_normal.pk]
    assert set(ids[3:]) == {published.pk, dismissed.pk}
    assert ids.index(published.pk) < ids.index(dismissed.pk)  # higher priority


def test_it_shows_arabic_claims_right_to_left_with_a_text_status_badge(
    logged_in_editor,
):
    factories.claim(text="تركيا ليست طرفا في نظام روما الأساسي")

    response = logged_in_editor.get(QUEUE)

    html = response.content.decode()
    assert 'lang="ar" dir="rtl"' in html
    assert "تركيا ليست طرفا" in html
    assert 'class="status-badge status-submitted">Submitted<' in html


def test_it_counts_sources_per_claim(logged_in_editor):
    claim = factories.claim()
    factories.source(claim)
    factories.source(claim, url="https://www.un.org/en/black-sea-grain-initiative")

    response = logged_in_editor.get(QUEUE)

    row = response.context["cl"].result_list[0]
    assert row.source_count == 2
    assert ">2</td>" in response.content.decode()


def test_it_filters_by_assigned_to_me_and_unassigned(logged_in_editor, editor):
    mine = factories.claim(assignee=editor)
    nobodys = factories.claim()

    assert queue_ids(logged_in_editor.get(QUEUE, {"assigned": "me"})) == [mine.pk]
    assert queue_ids(logged_in_editor.get(QUEUE, {"assigned": "none"})) == [nobodys.pk]


def test_it_filters_by_status_language_tag_and_outlet(logged_in_editor):
    arabic = factories.claim(language=Language.ARABIC)
    english = factories.claim(text="Turkey is not a party", language=Language.ENGLISH)
    accepted = factories.claim(status=Status.ACCEPTED)
    tag = Tag.objects.create(name_en="ICC", slug="icc")
    english.tags.add(tag)
    article = factories.article()
    Appearance.objects.create(claim=arabic, article=article, is_first=True)

    def ids(**params):
        return set(queue_ids(logged_in_editor.get(QUEUE, params)))

    assert ids(status__exact="accepted") == {accepted.pk}
    assert ids(language__exact="en") == {english.pk}
    assert ids(tag="icc") == {english.pk}
    assert ids(outlet=str(article.outlet_id)) == {arabic.pk}


def test_it_searches_full_text_in_arabic_and_english(logged_in_editor):
    icc = factories.claim(
        text="وكانت المحكمة الجنائية الدولية أصدرت مذكرة اعتقال ضد بوتين"
    )
    rome = factories.claim(
        text="Turkey is not a party to the Rome Statute", language=Language.ENGLISH
    )
    factories.claim(text="اتفاق الحبوب في البحر الأسود")

    assert queue_ids(logged_in_editor.get(QUEUE, {"q": "المحكمة الجنائية"})) == [icc.pk]
    assert queue_ids(logged_in_editor.get(QUEUE, {"q": "Rome Statute"})) == [rome.pk]
    assert queue_ids(logged_in_editor.get(QUEUE, {"q": str(rome.pk)})) == [rome.pk]


def test_it_runs_the_queue_in_the_same_number_of_queries_for_10_and_1000_claims(
    client, editor, django_assert_num_queries
):
    client.force_login(editor)
    for i in range(10):
        factories.source(factories.claim(priority=i % 4))
    client.get(QUEUE)  # warm the session and content-type caches

    # session, user, the user's two permission sets, the tag and outlet filter
    # choices, the people a claim can be assigned to, one count and one page of
    # rows (claimant, assignee and the source count joined in).
    with django_assert_num_queries(PINNED_QUEUE_QUERIES):
        small = client.get(QUEUE)
    assert len(small.context["cl"].result_list) == 10

    for i in range(990):
        factories.source(factories.claim(priority=i % 4))
    with django_assert_num_queries(PINNED_QUEUE_QUERIES):
        large = client.get(QUEUE)
    assert large.context["cl"].result_count == 1000
    assert len(large.context["cl"].result_list) == 50


PINNED_QUEUE_QUERIES = 9


def test_it_counts_only_a_few_pages_ahead_and_says_there_are_more(
    logged_in_editor, monkeypatch
):
    # One page ahead instead of twenty, so 120 claims are enough to stop counting.
    monkeypatch.setattr(QueuePaginator, "COUNT_AHEAD", 1)
    for _ in range(120):
        factories.claim()

    first = logged_in_editor.get(QUEUE)
    assert first.context["cl"].result_count == 100
    assert "More than 100 claims" in first.text
    assert "Select every claim these filters find" in first.text
    assert 'href="?p=2"' in first.text  # the last page counted leads on

    third = logged_in_editor.get(QUEUE, {"p": 3})
    assert third.context["cl"].result_count == 120
    assert "120 claims" in third.text
    assert "More than" not in third.text
    assert len(queue_ids(third)) == 20


def test_it_renders_each_rows_selection_box_as_django_does(logged_in_editor):
    claim = factories.claim(text="A claim to select")
    html = logged_in_editor.get(QUEUE).text
    assert (
        f'<input type="checkbox" name="_selected_action" value="{claim.pk}"'
        ' class="action-select"'
        ' aria-label="Select this object for an action - A claim to select">'
    ) in html


def test_it_opens_on_open_work_with_closed_work_one_click_away(logged_in_editor):
    submitted = factories.claim()
    approved = factories.claim(status=Status.APPROVED)
    published = factories.claim(status=Status.PUBLISHED)
    dismissed = factories.claim(status=Status.DISMISSED)

    opening = logged_in_editor.get(QUEUE)
    html = opening.content.decode()

    assert set(queue_ids(opening)) == {submitted.pk, approved.pk}
    assert '<li class="selected">\n    <a href="?open=yes">Open work</a>' in html
    assert 'href="?open=no"' in html and 'href="?open=all"' in html
    closed = logged_in_editor.get(QUEUE, {"open": "no"})
    assert set(queue_ids(closed)) == {published.pk, dismissed.pk}
    everything = logged_in_editor.get(QUEUE, {"open": "all"})
    assert len(queue_ids(everything)) == 4


def test_a_search_looks_through_closed_work_too(logged_in_editor):
    dismissed = factories.claim(status=Status.DISMISSED)

    found = logged_in_editor.get(QUEUE, {"q": str(dismissed.pk)})

    assert queue_ids(found) == [dismissed.pk]


def test_it_shows_similar_earlier_claims_on_the_claim_page(logged_in_editor):
    earlier = factories.claim(text="تركيا ليست طرفا في نظام روما الأساسي للمحكمة")
    factories.claim(text="اتفاق الحبوب في البحر الأسود")
    claim = factories.claim(text="أنقرة ليست طرفا في نظام روما")

    response = logged_in_editor.get(
        reverse("admin:factcheck_claim_change", args=[claim.pk])
    )

    similar = [c.pk for c, _score in intake.similar_claims(claim)]
    assert similar == [earlier.pk]
    assert reverse("admin:factcheck_claim_change", args=[earlier.pk]) in (
        response.content.decode()
    )


def test_its_topic_and_outlet_filters_link_as_djangos_own_filters_do(
    logged_in_editor,
):
    for n in range(3):
        factories.tag(slug=f"topic-{n}", name_en=f"Topic & {n}")
        factories.outlet(name=f"Outlet {n}")
    response = logged_in_editor.get(
        QUEUE, {"open": "all", "language": "ar", "tag": "topic-1", "q": "a b"}
    )
    changelist = response.context["cl"]
    checked = 0
    for spec in changelist.filter_specs:
        if isinstance(spec, TagFilter | OutletFilter):
            django = list(admin.SimpleListFilter.choices(spec, changelist))
            assert list(spec.choices(changelist)) == django
            checked += len(django)
    assert checked >= 8


@pytest.mark.parametrize("language", ["en", "ar"])
def test_its_rows_are_the_cells_django_renders(
    logged_in_editor, editor, fact_checker, language, monkeypatch
):
    # One of each kind of cell: no claimant and nobody assigned (the empty value),
    # an assignee, both languages, a preview link and a scheduled publication.
    factories.claim(claimant=None, text='A "quoted" <claim> & more')
    factories.claim(assignee=fact_checker, priority=Priority.URGENT)
    factories.claim_at(Status.IN_RESEARCH, language=Language.ENGLISH)
    approved = factories.claim_at(Status.APPROVED)
    approved.factcheck.publish_at = timezone.now() + timedelta(days=1)
    approved.factcheck.publish_scheduled_by = editor
    approved.factcheck.save()
    logged_in_editor.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    # Sorted by a column and filtered: the links carry the filters back.
    response = logged_in_editor.get(
        QUEUE,
        {"o": "-5", "open": "all"},
        headers={"accept-language": language},
    )
    with translation.override(language):
        changelist = response.context["cl"]
        with monkeypatch.context() as patched:  # made here, not handed to Django
            patched.setattr("factcheck.admin.rows.results", None)
            ours = [list(row) for row in rows(changelist)]
        # Django's own cells, with Django's own address for each row.
        changelist.url_for_result = partial(ChangeList.url_for_result, changelist)
        djangos = [list(row) for row in results(changelist)]

    assert len(ours) == 4
    assert ours == djangos
    assert "_changelist_filters=" in ours[0][1]


def test_its_rows_link_each_claim_to_its_page(logged_in_editor):
    claim = factories.claim()

    html = logged_in_editor.get(QUEUE).text

    page = reverse("admin:factcheck_claim_change", args=[claim.pk])
    assert f'<th class="field-claim_text"><a href="{page}">' in html


def test_its_action_lists_render_as_djangos_select_does():
    choices = [
        ("", "---------"),
        ("a&b", "A <b>"),
        ("Group", [("x", "X"), ("y", 'Y "q"')]),
        (3, "three"),
    ]
    attrs = {"id": "id_n", "required": True, "data-off": False, "class": "c"}
    for value in [None, "a&b", "y", 3]:
        for given in [None, attrs]:
            assert QuickSelect(choices=choices).render("n", value, given) == (
                forms.Select(choices=choices).render("n", value, given)
            )


def test_its_action_bar_offers_editors_everyone_who_may_research(
    logged_in_editor, editor, fact_checker, staff_without_role
):
    factories.claim()

    form = logged_in_editor.get(QUEUE).context["action_form"]

    offered = [pk for pk, _label in form.fields["assignee"].choices if pk != ""]
    assert {int(str(pk)) for pk in offered} == {editor.pk, fact_checker.pk}
    assert f'<option value="{fact_checker.pk}">Fatima</option>' in str(form["assignee"])


def test_its_topic_filter_names_each_topic_in_the_pages_language(logged_in_editor):
    factories.tag(slug="icc", name_en="ICC", name_ar="المحكمة الجنائية")
    factories.tag(slug="grain", name_ar="الحبوب")  # no English name

    def topics(language: str) -> list[str]:
        logged_in_editor.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = logged_in_editor.get(QUEUE, headers={"accept-language": language})
        spec = next(
            s for s in response.context["cl"].filter_specs if isinstance(s, TagFilter)
        )
        return [title for _slug, title in spec.lookup_choices]

    assert sorted(topics("en")) == ["ICC", "الحبوب"]
    assert sorted(topics("ar")) == ["الحبوب", "المحكمة الجنائية"]


def test_its_pages_build_no_list_of_apps_for_the_sidebar_that_is_off(
    logged_in_editor, monkeypatch
):
    built = []
    original = admin.site._build_app_dict
    monkeypatch.setattr(
        admin.site,
        "_build_app_dict",
        lambda *a, **k: built.append(1) or original(*a, **k),
    )

    logged_in_editor.get(QUEUE)
    assert built == []

    index = logged_in_editor.get(reverse("admin:index"))
    assert built  # the index still lists every app
    assert reverse("admin:factcheck_claim_changelist") in index.text


@pytest.mark.parametrize(
    "query", [{}, {"tag": "topic-1", "q": "a b"}, {"_facets": "1"}]
)
def test_its_topic_and_outlet_filters_render_as_djangos_filter_template(
    logged_in_editor, query
):
    for n in range(3):
        factories.tag(slug=f"topic-{n}", name_en=f"Topic & <{n}>")
        factories.outlet(name=f"Outlet {n}")
    changelist = logged_in_editor.get(QUEUE, query).context["cl"]

    def rendered(spec, template: str) -> str:
        context = {
            "title": spec.title,
            "choices": list(spec.choices(changelist)),
            "spec": spec,
        }
        return " ".join(render_to_string(template, context).split())

    checked = 0
    for spec in changelist.filter_specs:
        if isinstance(spec, TagFilter | OutletFilter):
            ours = rendered(spec, spec.template)
            assert ours == rendered(spec, "admin/filter.html")
            checked += ours.count("<li")
    assert checked >= 8
