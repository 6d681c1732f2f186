"""“My work” on the admin index: assigned to me, waiting for my review, sent back."""

import pytest
from django.urls import reverse

from factcheck import services
from factcheck.models import Claim, Status
from tests import factories

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")
QUEUE = reverse("admin:factcheck_claim_changelist")


@pytest.fixture
def desk(editor, second_editor, fact_checker):
    """Work in every state, for and not for the editor Layla."""
    return {
        "mine": factories.claim(assignee=editor),
        "mine_closed": factories.claim(status=Status.DISMISSED, assignee=editor),
        "someone_elses": factories.claim(assignee=second_editor),
        "to_review": factories.claim_at(Status.IN_REVIEW, author=fact_checker),
        "written_by_me": factories.claim_at(Status.IN_REVIEW, author=editor),
    }


def sent_back(claim, *, by, note="Two sources disagree on the date."):
    return services.transition(claim, to=Status.IN_RESEARCH, actor=by, note=note)


def test_it_lists_open_claims_assigned_to_me(desk, editor):
    assert list(Claim.objects.assigned_to(editor)) == [desk["mine"]]


def test_review_waits_on_editors_who_did_not_write_the_draft(desk, editor):
    assert list(Claim.objects.awaiting_review_by(editor)) == [desk["to_review"]]


def test_a_claim_sent_back_waits_on_its_authors_and_assignee(
    desk, editor, second_editor, fact_checker, second_fact_checker
):
    claim = desk["to_review"]
    services.assign(claim, actor=editor, assignee=second_fact_checker)
    sent_back(claim, by=editor)

    assert list(Claim.objects.sent_back_to(fact_checker)) == [claim]  # author
    assert list(Claim.objects.sent_back_to(second_fact_checker)) == [claim]
    assert list(Claim.objects.sent_back_to(second_editor)) == []
    # Sent for review again, it is no longer "sent back".
    services.transition(claim, to=Status.IN_REVIEW, actor=fact_checker)
    assert list(Claim.objects.sent_back_to(fact_checker)) == []


def test_research_that_was_never_reviewed_is_not_sent_back(fact_checker):
    factories.claim_at(Status.IN_RESEARCH, author=fact_checker)

    assert list(Claim.objects.sent_back_to(fact_checker)) == []


def test_it_counts_each_list_in_one_query(desk, editor, django_assert_num_queries):
    sent_back(desk["written_by_me"], by=factories.user("karima", "Editors"))

    with django_assert_num_queries(1):
        counts = Claim.objects.work_counts(editor)

    assert counts == {"assigned": 1, "review": 1, "sent_back": 1}


def test_the_index_shows_my_work_with_counts_and_links_to_the_queue(
    client, desk, editor
):
    client.force_login(editor)

    page = client.get(INDEX).content.decode()

    assert "My work" in page
    for key, label in [
        ("assigned", "Assigned to me"),
        ("review", "Waiting for my review"),
        ("sent_back", "Sent back to me"),
    ]:
        assert f'<a href="{QUEUE}?mywork={key}">{label}</a>' in page
    assert page.count('<span class="count">1</span>') == 2  # assigned, review
    assert page.count('<span class="count">0</span>') == 2  # sent back, unread


def test_each_link_opens_the_queue_on_that_list(client, desk, editor):
    client.force_login(editor)

    def listed(key):
        response = client.get(QUEUE, {"mywork": key})
        return [c.pk for c in response.context["cl"].result_list]

    assert listed("assigned") == [desk["mine"].pk]
    assert listed("review") == [desk["to_review"].pk]
    assert listed("sent_back") == []


def test_a_fact_checker_has_no_review_list(client, desk, fact_checker):
    client.force_login(fact_checker)

    page = client.get(INDEX).content.decode()

    assert "Assigned to me" in page
    assert "Waiting for my review" not in page


def test_an_administrator_has_no_editorial_work_on_the_index(client, administrator):
    client.force_login(administrator)

    page = client.get(INDEX).content.decode()

    assert 'id="my-work"' not in page


def test_the_index_costs_the_same_queries_however_much_work_waits(
    client, editor, fact_checker, django_assert_num_queries
):
    client.force_login(editor)
    client.get(INDEX)
    # session, user, the permissions (own and by group), the counts, unread
    # notifications, recent actions
    with django_assert_num_queries(PINNED_INDEX_QUERIES):
        client.get(INDEX)
    for _ in range(5):
        factories.claim(assignee=editor)
        factories.claim_at(Status.IN_REVIEW, author=fact_checker)
    with django_assert_num_queries(PINNED_INDEX_QUERIES):
        page = client.get(INDEX).content.decode()
    assert page.count('<span class="count">5</span>') == 2


PINNED_INDEX_QUERIES = 7
