"""What the desk refuses to store, and how it spells what it stores."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.forms import modelform_factory

from factcheck import services
from factcheck.models import (
    Article,
    Claim,
    Claimant,
    Correction,
    CorrectionKind,
    FactCheck,
    Language,
    Source,
    Status,
)
from tests import factories

pytestmark = pytest.mark.django_db

SCHEME = "Only http:// and https:// links are accepted."
LONG_URL = "https://asp.icc-cpi.int/" + "a" * (2001 - len("https://asp.icc-cpi.int/"))
REFUSED_URLS = {
    "javascript": ("javascript:alert(document.cookie)", SCHEME),
    "data": ("data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", SCHEME),
    "ftp": ("ftp://ftp.icc-cpi.int/rome-statute.pdf", SCHEME),
    "file": ("file:///etc/passwd", SCHEME),
    "credentials": (
        "https://editor:hunter2@asp.icc-cpi.int/states-parties",
        "Links may not carry a user name or password.",
    ),
    "too long": (LONG_URL, "at most 2000 characters"),
    "bidi override": (
        "https://asp.icc-cpi.int/states-parties/\u202efdp.exe",
        "bidirectional control character U+202E",
    ),
}
# As typed, and as stored: a URI, with an Arabic path percent-encoded.
ACCEPTED_URLS = {
    "http://www.icc-cpi.int/news": "http://www.icc-cpi.int/news",
    "https://asp.icc-cpi.int/states-parties": "https://asp.icc-cpi.int/states-parties",
    "https://ar.wikipedia.org/wiki/نظام_روما_الأساسي": (
        "https://ar.wikipedia.org/wiki/%D9%86%D8%B8%D8%A7%D9%85_%D8%B1%D9%88%D9%85"
        "%D8%A7_%D8%A7%D9%84%D8%A3%D8%B3%D8%A7%D8%B3%D9%8A"
    ),
}
BIDI_CONTROLS = [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]]
FORBIDDEN = ["\x00", *BIDI_CONTROLS]


def char_id(char: str) -> str:
    return f"U+{ord(char):04X}"


def problem_named(char: str) -> re.Pattern:
    """How the message must name the refused character."""
    if char == "\x00":
        return re.compile(r"\bnul", re.IGNORECASE)
    return re.compile(re.escape(char_id(char)))


def assert_one_clear_message(messages: list[str], expected: str | re.Pattern):
    if isinstance(expected, str):
        expected = re.compile(re.escape(expected))
    found = [m for m in messages if expected.search(m)]
    assert found, messages
    assert len(messages) == len(set(messages)), f"repeated message: {messages}"


# --- Links to evidence ------------------------------------------------------------


@pytest.mark.parametrize(("url", "message"), REFUSED_URLS.values(), ids=REFUSED_URLS)
def test_it_refuses_a_bad_source_link_through_the_service(fact_checker, url, message):
    claim = factories.claim_at(Status.IN_RESEARCH)
    claim.sources.all().delete()

    with pytest.raises(ValidationError) as refused:
        services.add_source(claim, actor=fact_checker, url=url, title="ICC")

    assert_one_clear_message(refused.value.message_dict["url"], message)
    assert not Source.objects.exists()


@pytest.mark.parametrize(("url", "message"), REFUSED_URLS.values(), ids=REFUSED_URLS)
def test_it_refuses_a_bad_source_link_in_a_form(url, message):
    claim = factories.claim_at(Status.IN_RESEARCH)
    claim.sources.all().delete()
    SourceForm = modelform_factory(Source, fields=["url", "title", "kind", "stance"])
    form = SourceForm(
        data={"url": url, "title": "ICC", "kind": "primary", "stance": "supports"},
        instance=Source(claim=claim),
    )

    assert not form.is_valid()
    assert_one_clear_message(form.errors["url"], message)
    assert not Source.objects.exists()


@pytest.mark.parametrize(("url", "stored"), ACCEPTED_URLS.items())
def test_it_accepts_http_and_https_source_links(fact_checker, url, stored):
    claim = factories.claim_at(Status.IN_RESEARCH)
    claim.sources.all().delete()
    SourceForm = modelform_factory(Source, fields=["url", "title", "kind", "stance"])
    form = SourceForm(
        data={"url": url, "title": "ICC", "kind": "primary", "stance": "supports"},
        instance=Source(claim=claim),
    )
    assert form.is_valid(), form.errors

    added = services.add_source(claim, actor=fact_checker, url=url, title="ICC")

    assert Source.objects.get().url == stored
    assert added.added_by == fact_checker


def test_it_refuses_a_link_with_credentials_when_a_source_is_edited(fact_checker):
    claim = factories.claim_at(Status.IN_RESEARCH)
    source = claim.sources.get()
    before = source.url

    with pytest.raises(ValidationError) as refused:
        services.update_source(
            source,
            actor=fact_checker,
            url="https://editor:hunter2@asp.icc-cpi.int/states-parties",
        )

    assert refused.value.message_dict["url"] == [
        "Links may not carry a user name or password."
    ]
    assert Source.objects.get(pk=source.pk).url == before


# --- Text -------------------------------------------------------------------------


def _claim():
    return factories.claim()


def _draft():
    return FactCheck.objects.get(claim=factories.claim_at(Status.IN_RESEARCH))


def _source():
    return factories.source(factories.claim())


def _correction():
    factcheck = FactCheck.objects.get(claim=factories.claim_at(Status.PUBLISHED))
    return Correction.objects.create(
        factcheck=factcheck,
        kind=CorrectionKind.UPDATE,
        note="Added the 2024 list of States Parties.",
        created_by=factcheck.approved_by,
    )


TEXT_FIELDS = {
    "Claim.text": (_claim, "text"),
    "FactCheck.headline": (_draft, "headline"),
    "FactCheck.summary": (_draft, "summary"),
    "FactCheck.body": (_draft, "body"),
    "Source.title": (_source, "title"),
    "Source.excerpt": (_source, "excerpt"),
    "Claimant.name": (factories.claimant, "name"),
    "Correction.note": (_correction, "note"),
}


def stored(row, field: str):
    return type(row).objects.filter(pk=row.pk).values_list(field, flat=True).get()


@pytest.mark.parametrize("char", FORBIDDEN, ids=char_id)
@pytest.mark.parametrize(("make", "field"), TEXT_FIELDS.values(), ids=TEXT_FIELDS)
def test_it_names_a_forbidden_character_when_validating(make, field, char):
    row = make()
    before = stored(row, field)
    setattr(row, field, f"تركيا {char}ليست طرفا")

    with pytest.raises(ValidationError) as refused:
        row.full_clean()

    assert_one_clear_message(refused.value.message_dict[field], problem_named(char))
    assert stored(row, field) == before


@pytest.mark.parametrize("char", FORBIDDEN, ids=char_id)
@pytest.mark.parametrize(("make", "field"), TEXT_FIELDS.values(), ids=TEXT_FIELDS)
def test_it_names_a_forbidden_character_in_a_form(make, field, char):
    row = make()
    before = stored(row, field)
    Form = modelform_factory(type(row), fields=[field])
    form = Form(data={field: f"Turkey {char}is not a party"}, instance=row)

    assert not form.is_valid()
    assert_one_clear_message(form.errors[field], problem_named(char))
    assert stored(row, field) == before


@pytest.mark.parametrize("char", BIDI_CONTROLS, ids=char_id)
@pytest.mark.parametrize(
    ("make", "field"),
    [v for k, v in TEXT_FIELDS.items() if k != "Correction.note"],
    ids=[k for k in TEXT_FIELDS if k != "Correction.note"],
)
def test_it_refuses_bidi_controls_in_the_database_on_update(make, field, char):
    row = make()
    before = stored(row, field)
    constraint = f"{type(row)._meta.model_name}_{field}_no_bidi_controls"

    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        type(row).objects.filter(pk=row.pk).update(**{field: f"Turkey {char}is"})

    assert stored(row, field) == before


def _new_claim(text):
    return Claim.objects.create(text=text, language=Language.ENGLISH)


def _new_draft(**fields):
    claim = factories.claim(Status.IN_RESEARCH)
    return FactCheck.objects.create(
        claim=claim, language=claim.language, slug=f"draft-{claim.pk}", **fields
    )


def _new_source(**fields):
    fields.setdefault("title", "ICC")
    return Source.objects.create(
        claim=factories.claim(), url="https://asp.icc-cpi.int/", **fields
    )


def _new_correction(note):
    draft = FactCheck.objects.get(claim=factories.claim_at(Status.PUBLISHED))
    return Correction.objects.create(
        factcheck=draft,
        kind=CorrectionKind.UPDATE,
        note=note,
        created_by=draft.approved_by,
    )


NEW_ROWS = {
    "Claim.text": (Claim, _new_claim),
    "FactCheck.headline": (FactCheck, lambda v: _new_draft(headline=v)),
    "FactCheck.summary": (FactCheck, lambda v: _new_draft(summary=v)),
    "FactCheck.body": (FactCheck, lambda v: _new_draft(body=v)),
    "Source.title": (Source, lambda v: _new_source(title=v)),
    "Source.excerpt": (Source, lambda v: _new_source(excerpt=v)),
    "Claimant.name": (Claimant, lambda v: factories.claimant(name=v)),
    "Correction.note": (Correction, _new_correction),
}


@pytest.mark.parametrize("char", BIDI_CONTROLS, ids=char_id)
@pytest.mark.parametrize(("model", "create"), NEW_ROWS.values(), ids=NEW_ROWS)
def test_it_refuses_bidi_controls_in_the_database_on_create(model, create, char):
    before = model.objects.count()

    with (
        pytest.raises(IntegrityError, match="_no_bidi_controls"),
        transaction.atomic(),
    ):
        create(f"Turkey {char}is not a party")

    assert model.objects.count() == before


# --- One spelling for one text ----------------------------------------------------

ALEF_AND_MADDA = "\u0627\u0653"  # what NFC composes to ALEF_WITH_MADDA
ALEF_WITH_MADDA = "\u0622"
DECOMPOSED = {
    "Latin e + combining acute": ("Cafe\u0301 owners say", "Caf\u00e9 owners say"),
    "Arabic alef + madda above": (
        f"صدرت المذكرة في {ALEF_AND_MADDA}ذار 2023",
        f"صدرت المذكرة في {ALEF_WITH_MADDA}ذار 2023",
    ),
}


@pytest.mark.parametrize(("typed", "composed"), DECOMPOSED.values(), ids=DECOMPOSED)
@pytest.mark.parametrize(("make", "field"), TEXT_FIELDS.values(), ids=TEXT_FIELDS)
def test_it_stores_text_typed_decomposed_in_composed_form(make, field, typed, composed):
    row = make()
    if isinstance(row, Correction):
        row = _new_correction(typed)
    else:
        setattr(row, field, typed)
        row.save()

    assert typed != composed
    assert stored(row, field) == composed
    assert getattr(row, field) == composed


@pytest.mark.parametrize(("typed", "composed"), DECOMPOSED.values(), ids=DECOMPOSED)
def test_it_composes_text_written_through_a_form_an_update_or_a_service(
    fact_checker, typed, composed
):
    ClaimForm = modelform_factory(Claim, fields=["text", "language"])
    form = ClaimForm(data={"text": typed, "language": Language.ARABIC})
    assert form.is_valid(), form.errors
    from_form = form.save()
    submitted = services.submit_claim(text=typed, language=Language.ARABIC)
    updated = factories.claim()
    Claim.objects.filter(pk=updated.pk).update(text=typed)

    for claim in (from_form, submitted, updated):
        assert stored(claim, "text") == composed
    assert submitted.text == composed
    assert Claim.objects.filter(text=typed).count() == 3


# --- One row for one article ------------------------------------------------------

CANONICAL = "https://addiyar.com/article/1"
VARIANT = "HTTPS://AddIyar.com:443/article/1/?utm_source=x#top"


def article_fields() -> dict:
    return {
        "outlet": factories.outlet(name="الديار", domain="addiyar.com"),
        "title": "تركيا والمحكمة الجنائية الدولية",
        "language": Language.ARABIC,
    }


def test_it_stores_an_article_link_in_its_canonical_spelling():
    article = Article.objects.create(url=VARIANT, **article_fields())

    assert stored(article, "url") == CANONICAL
    assert article.url == CANONICAL


def test_it_refuses_a_second_row_for_the_same_article():
    fields = article_fields()
    Article.objects.create(url=VARIANT, **fields)

    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(url=CANONICAL, **fields)

    assert list(Article.objects.values_list("url", flat=True)) == [CANONICAL]


def test_it_tells_a_person_the_article_is_already_there():
    fields = article_fields()
    Article.objects.create(url=CANONICAL, **fields)
    ArticleForm = modelform_factory(
        Article, fields=["url", "outlet", "title", "language"]
    )
    form = ArticleForm(
        data={
            "url": VARIANT,
            "outlet": fields["outlet"].pk,
            "title": "Another title",
            "language": Language.ARABIC,
        }
    )

    assert not form.is_valid()
    assert form.errors["url"] == ["Article with this Link already exists."]
    assert Article.objects.count() == 1


def test_it_finds_the_same_article_whichever_way_its_link_is_written(editor):
    fields = article_fields()

    first = services.get_or_create_article(actor=editor, url=VARIANT, **fields)
    second = services.get_or_create_article(actor=editor, url=CANONICAL, **fields)

    assert first.pk == second.pk
    assert first.url == second.url == CANONICAL
    assert Article.objects.count() == 1


def test_it_keeps_articles_apart_when_their_links_really_differ(editor):
    fields = article_fields()

    one = services.get_or_create_article(
        actor=editor, url="https://addiyar.com/article?id=5&utm_medium=x", **fields
    )
    other = services.get_or_create_article(
        actor=editor, url="https://addiyar.com/article?id=6", **fields
    )

    assert one.pk != other.pk
    assert sorted(Article.objects.values_list("url", flat=True)) == [
        "https://addiyar.com/article?id=5",
        "https://addiyar.com/article?id=6",
    ]
