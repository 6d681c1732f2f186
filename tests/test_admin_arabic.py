"""The admin in Arabic: every page of the desk, for every role, without a word of
English the project owns.

The desk is filled with Arabic data, so any Latin word left on a page is either
data the test wrote (a user name, a link, a rating's English label) or a string
the interface failed to translate. Two checks: no text on the page is one of the
catalogue's English messages left as it is, and no Latin word appears that is
neither the test's own data nor a technical name (HTTP, JSON, API…).
"""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.apps import apps
from django.conf import settings
from django.contrib.admin.sites import all_sites
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.urls import reverse
from django.utils import translation

from factcheck import services
from factcheck.models import (
    Claim,
    FactCheck,
    Language,
    Status,
)
from tests import factories

pytestmark = pytest.mark.django_db

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "ar" / "LC_MESSAGES" / "django.po"
# Digits belong to a word ("sha256"), so a technical name is one word.
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’]{2,}(?:-[A-Za-z0-9]+)*")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\{ *\w+ *\}\}|%[sd]")
# Names that are the same in both languages: protocols, formats, standards.
TECHNICAL = {
    "API",
    "HTTP",
    "HTTPS",
    "JSON",
    "POST",
    "SHA-256",
    "HMAC-SHA256",
    "sha256",
    "hex",
    "RSS",
    "Atom",
    "ETag",
    "Last-Modified",
    "Celery",
    "beat",
    "webhook",
    "Markdown",
    "Unix",
    "NUL",
    "UTC",
    "https",
    "http",
    "timestamp",
    "body",
    "Factcheck-Timestamp",
    "Factcheck-Signature",
    "Factcheck-Delivery",
    "celery",
    "rrggbb",
    "Control",
    "Command",
    "Axes",
}
SKIPPED_ELEMENTS = {"script", "style", "textarea", "noscript"}
# Not alt: Django's own search icon is alt="Search", in English in every language.
SHOWN_ATTRIBUTES = {"title", "placeholder", "aria-label"}
# Django names a permission by its stored name, which no catalogue translates.
PERMISSION = re.compile(r"^.+ \| .+ \| Can ")


class PageText(HTMLParser):
    """The text a person reads on a page: text nodes, button captions and the
    attributes a screen reader or a tooltip shows."""

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_ELEMENTS:
            self.skipping += 1
        values = dict(attrs)
        for name in SHOWN_ATTRIBUTES & values.keys():
            self.texts.append(values[name] or "")
        if tag == "input" and values.get("type") in ("submit", "button"):
            self.texts.append(values.get("value") or "")

    def handle_endtag(self, tag):
        if tag in SKIPPED_ELEMENTS and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.texts.append(data.strip())


def page_texts(html: str) -> list[str]:
    parser = PageText()
    parser.feed(html)
    return parser.texts


def is_json(text: str) -> bool:
    try:
        return isinstance(json.loads(text), (dict, list))
    except ValueError:
        return False


def project_messages() -> list[re.Pattern]:
    """Each English message of the catalogue as a pattern matching a whole text
    of the page, its placeholders matching anything."""
    with CATALOGUE.open("rb") as file:
        catalogue = read_po(file)
    patterns = []
    for message in catalogue:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for english in ids:
            # A message of placeholders and punctuation ("%(verb)s…") has no
            # English of its own to leave untranslated.
            if not english or not LATIN_WORD.search(PLACEHOLDER.sub("", english)):
                continue
            parts = PLACEHOLDER.split(english)
            body = ".+".join(re.escape(part) for part in parts)
            patterns.append(re.compile(rf"^{body}$", re.DOTALL))
    return patterns


def data_words() -> set[str]:
    """Every Latin word stored in the test's own rows (names, links, labels) and
    the names of the scheduler's jobs."""
    words = set()
    for name in settings.CELERY_BEAT_SCHEDULE:
        words.update(LATIN_WORD.findall(name))
    for model in apps.get_models():
        text_fields = [
            f.attname
            for f in model._meta.concrete_fields
            # A stored choice ("approved") is shown by its label, never itself.
            if isinstance(f, (models.CharField, models.TextField, models.JSONField))
            and not f.choices
        ]
        if not text_fields:
            continue
        for row in model.objects.values_list(*text_fields):
            for value in row:
                words.update(LATIN_WORD.findall(str(value or "")))
    return words


def english_on(
    html: str, messages: list[re.Pattern], allowed: set[str], *, ours: bool = True
) -> set:
    """Texts of the page that are the project's English messages as they are;
    on the desk's own pages (`ours`), any Latin word that is not data either.
    Django's and django-axes's pages use their own catalogues, not ours."""
    found = set()
    for text in page_texts(html):
        if PERMISSION.match(text) or is_json(text):
            continue  # a stored permission name, or an event's recorded data
        if any(pattern.match(text) for pattern in messages):
            found.add(text)
            continue
        if not ours:
            continue
        for word in LATIN_WORD.findall(text):
            if word not in allowed and word not in TECHNICAL:
                found.add(f"{word!r} in {text[:80]!r}")
    return found


@pytest.fixture
def arabic_desk(editor, fact_checker, administrator):
    """One of everything the desk's pages list, written in Arabic."""
    outlet = factories.outlet(name="الديار", domain="addiyar.com")
    claimant = factories.claimant(name="الكرملين", slug="الكرملين")
    topic = factories.tag(name="تركيا", slug="تركيا")
    submitted = factories.claim(
        text="هناك تعاون غير مسبوق بين موسكو وأنقرة",
        claimant=claimant,
        submitted_context="قرأته في تقرير للديار",
    )
    submitted.tags.add(topic)
    published = factories.public_factcheck(
        Language.ARABIC,
        headline="صحيح: تركيا ليست طرفا في نظام روما",
        summary="لا تظهر تركيا في قائمة الدول الأطراف.",
        body="## ما قيل\n\nنص التحقق.",
        tags=0,
        claim_fields={"claimant": claimant},
    )
    published.claim.tags.add(topic)
    factories.correction(published, note="صححنا تاريخ المصادقة.")
    approved = factories.claim_at(Status.APPROVED, text="زودت تركيا أوكرانيا بالسلاح")
    in_review = factories.claim_at(
        Status.IN_REVIEW, author=fact_checker, text="أعيد انتخاب أردوغان في أيار 2023"
    )
    for claim in (approved, in_review, published.claim):
        FactCheck.objects.filter(claim=claim).update(
            headline="عنوان عربي", summary="خلاصة عربية"
        )
    services.assign(submitted, actor=editor, assignee=fact_checker)
    factories.article(outlet=outlet, title="الكرملين: بوتين وأردوغان اتفقا")
    services.issue_token(editor, actor=administrator, name="مستورد نظام إدارة المحتوى")
    source = published.claim.sources.first()
    services.rearchive(source, actor=editor)
    subscriber_model = apps.get_model("factcheck", "Subscriber")
    subscriber_model.objects.create(
        name="شريك",
        url="https://partner.example/hook",
        secret="s" * 32,
        events=["factcheck.published"],
    )
    return {"approved": approved, "published": published}


def superuser():
    return factories.user("root", is_staff=True, is_superuser=True)


PERSONAS = ["superuser", "editor", "fact_checker", "administrator"]


@pytest.fixture(params=PERSONAS)
def persona(request, arabic_desk):
    if request.param == "superuser":
        return superuser()
    return request.getfixturevalue(request.param)


def admin_pages(objects: dict) -> list[str]:
    """Every page of the desk's admin: the index, and each registered model's
    list, add form, change form and history for a real row; the custom views."""
    site = next(s for s in all_sites if s.name == "admin")
    pages = [reverse("admin:index"), reverse("admin:password_change")]
    for model, model_admin in site._registry.items():
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages.append(reverse(f"{info}_changelist"))
        pages.append(reverse(f"{info}_add"))
        for row in model._default_manager.order_by("pk")[:3]:
            pages.append(reverse(f"{info}_change", args=[row.pk]))
            pages.append(reverse(f"{info}_history", args=[row.pk]))
        pages.append(reverse(f"{info}_changelist") + "?q=تركيا")
        for spec in model_admin.list_filter[:3]:
            if isinstance(spec, str):
                pages.append(reverse(f"{info}_changelist") + f"?{spec}__exact=1")
    pages.append(
        reverse("admin:factcheck_claim_schedule", args=[objects["approved"].pk])
    )
    pages.append(reverse("admin:app_list", args=["factcheck"]))
    return pages


def get_in_arabic(client, url: str):
    return client.get(url, headers={"accept-language": "ar"}, follow=True)


def test_it_names_every_model_of_the_desk_in_arabic():
    untranslated = []
    for model in apps.get_app_config("factcheck").get_models():
        meta = model._meta
        with translation.override("en"):
            english = (str(meta.verbose_name), str(meta.verbose_name_plural))
        with translation.override("ar"):
            arabic = (str(meta.verbose_name), str(meta.verbose_name_plural))
        untranslated += [e for e, a in zip(english, arabic, strict=True) if e == a]
        for field in meta.get_fields():
            # A reverse or generic relation, a row's id, a search index: none is
            # ever a label on a page.
            hidden = ("id", "search", "headline_search")
            if not hasattr(field, "verbose_name") or field.name in hidden:
                continue
            if isinstance(field, GenericForeignKey):
                continue
            with translation.override("ar"):
                label = str(field.verbose_name)
            if set(LATIN_WORD.findall(label)) - TECHNICAL:
                untranslated.append(f"{meta.model_name}.{field.name}: {label}")
    assert untranslated == [], "\n".join(untranslated)


def test_it_shows_every_admin_page_in_arabic_to_every_role(client, persona):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    client.force_login(persona)
    messages = project_messages()
    allowed = data_words()
    english: dict[str, str] = {}
    seen = 0
    for url in admin_pages(
        {
            "approved": Claim.objects.filter(status=Status.APPROVED).first(),
        }
    ):
        response = get_in_arabic(client, url)
        if response.status_code in (403, 404):
            continue  # a page this role may not open says so in Django's words
        assert response.status_code == 200, url
        assert '<html lang="ar" dir="rtl"' in response.text, url
        seen += 1
        ours = url.startswith("/admin/factcheck/") or url == "/admin/"
        for text in english_on(response.text, messages, allowed, ours=ours):
            english.setdefault(text, url)  # each untranslated text, where first seen
    assert seen > 20
    assert english == {}, "\n".join(f"{url}: {text}" for text, url in english.items())


def test_it_reports_workflow_and_action_results_in_arabic(client, editor, arabic_desk):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    client.force_login(editor)
    claim = factories.claim(text="ادعاء جديد للفرز")
    queue = reverse("admin:factcheck_claim_changelist")
    moved = client.post(
        queue,
        {"action": "accept", "_selected_action": [claim.pk], "note": ""},
        headers={"accept-language": "ar"},
        follow=True,
    )
    refused = client.post(
        reverse("admin:factcheck_claim_transition", args=[claim.pk]),
        {"to": Status.PUBLISHED, "version": claim.version},
        headers={"accept-language": "ar"},
        follow=True,
    )
    messages = project_messages()
    allowed = data_words()
    for response in (moved, refused):
        shown = [str(m) for m in response.context["messages"]]
        assert shown, response.request
        for text in shown:
            assert not LATIN_WORD.search(text), text
        assert english_on(response.text, messages, allowed) == set()


def test_it_counts_the_queue_in_arabic(client, editor, arabic_desk):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    client.force_login(editor)
    html = get_in_arabic(client, reverse("admin:factcheck_claim_changelist")).text
    assert "claims" not in html
    assert "ادعاءات" in html or "ادعاء" in html
    assert "اختر ادعاء لتغييره" in html or "اختر الادعاء" in html


def test_it_keeps_the_english_admin_in_english(client, editor, arabic_desk):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(editor)
    html = client.get(
        reverse("admin:factcheck_claim_changelist"), headers={"accept-language": "en"}
    ).text
    assert "Select claim to change" in html
