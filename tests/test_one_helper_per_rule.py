"""Rules the site, the API and the admin each used to write for themselves: how a
colleague is named, which way a language's text runs, what "tagged" means. Each is
one helper now, and every door gives the same answer."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from factcheck.models import Language
from tests import factories
from tests.api import anonymous  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:factcheck_claim_changelist")


def credits_on_the_page(client, factcheck) -> list[str]:
    html = client.get(factcheck.get_absolute_url()).text
    credits = html[html.index('class="credits"') :]
    return re.findall(r"<bdi>(.*?)</bdi>", credits[: credits.index("</dl>")])


def credits_in_the_api(api, factcheck) -> list[str]:
    data = api.get(f"/api/v1/factchecks/{factcheck.slug}/").json()
    return [*data["authors"], data["approved_by"]]


@pytest.mark.parametrize(
    "names, shown",
    [
        ({"first_name": "Fatima", "last_name": "Zahra"}, "Fatima Zahra"),
        ({"first_name": "Fatima"}, "Fatima"),
        ({}, "a member of the desk"),
    ],
)
def test_it_names_a_colleague_alike_on_the_page_and_in_the_api(
    client,
    anonymous,  # noqa: F811
    names,
    shown,
):
    author = factories.user("f.author", "Fact-checkers", **names)
    approver = factories.user("e.approver", "Editors", **names)
    factcheck = factories.public_factcheck(Language.ENGLISH, approved_by=approver)
    factcheck.authors.add(author)

    on_the_page = credits_on_the_page(client, factcheck)
    in_the_api = credits_in_the_api(anonymous, factcheck)

    assert on_the_page == in_the_api == [shown, shown]


def test_it_names_a_colleague_without_a_name_in_the_page_s_language(client):
    approver = factories.user("e.approver", "Editors")
    factcheck = factories.public_factcheck(Language.ARABIC, approved_by=approver)

    assert credits_on_the_page(client, factcheck) == ["أحد أعضاء القسم"]


@pytest.mark.parametrize(
    "language, text", [("ar", "تركيا ليست طرفا"), ("en", "Turkey is not a party")]
)
def test_it_gives_a_claim_the_same_direction_in_the_queue_and_on_its_page(
    client, editor, language, text
):
    factcheck = factories.public_factcheck(language, claim_fields={"text": text})
    direction = "rtl" if translation.get_language_info(language)["bidi"] else "ltr"

    page = client.get(factcheck.get_absolute_url()).text
    client.force_login(editor)
    queue = client.get(QUEUE, {"open": "all"}).text

    assert f'<blockquote lang="{language}" dir="{direction}"><p>{text}' in page
    assert f'<span lang="{language}" dir="{direction}" class="claim-text">' in queue


def test_it_filters_by_tag_alike_on_the_site_in_the_api_and_in_the_queue(
    client,
    anonymous,  # noqa: F811
    editor,
):
    icc = factories.tag(name="المحكمة الجنائية", slug="المحكمة-الجنائية")
    tagged = factories.public_factcheck(Language.ARABIC, headline="Tagged twice")
    tagged.claim.tags.add(icc)  # alongside the tag public_factcheck gave it
    other = factories.public_factcheck(Language.ARABIC, headline="Not tagged")

    site = client.get(reverse("factcheck_list"), {"tag": icc.slug}).text
    api = anonymous.get("/api/v1/factchecks/", {"tag": icc.slug}).json()
    client.force_login(editor)
    queue = (
        client.get(QUEUE, {"tag": icc.slug, "open": "all"}).context["cl"].result_list
    )

    assert site.count("Tagged twice") == 1
    assert "Not tagged" not in site
    assert [row["slug"] for row in api["results"]] == [tagged.slug]
    assert [claim.pk for claim in queue] == [tagged.claim_id]
    assert other.claim_id not in {claim.pk for claim in queue}
