"""`manage.py load_demo`: the demo newsroom that `make run` loads on every start."""

import io
import json
import stat

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.urls import reverse

from factcheck import services
from factcheck.demo import data
from factcheck.models import (
    Article,
    Claim,
    Correction,
    CorrectionKind,
    EventKind,
    FactCheck,
    IntakeArticle,
    JobState,
    Language,
    Proposal,
    Rating,
    Status,
)
from factcheck.services import intake


@pytest.fixture(autouse=True)
def demo_settings(settings, tmp_path):
    settings.DEMO_ACCOUNTS_FILE = tmp_path / "private" / "demo-accounts.json"
    settings.SITE_URL = "https://desk.example"


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def first_run(db) -> str:
    return load_demo()


def accounts(settings) -> dict:
    return json.loads(settings.DEMO_ACCOUNTS_FILE.read_text(encoding="utf-8"))


def line_of(username: str, output: str) -> str:
    return next(line for line in output.splitlines() if f" {username} " in line)


def snapshot() -> dict[str, list[dict]]:
    """Every row of every table: counts, ids, versions and values alike."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
    }


def contrast_with_white(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return 1.05 / (luminance + 0.05)


def test_it_takes_claims_from_the_seed_article(first_run):
    seed = Article.objects.get(outlet__domain="addiyar.com")
    claims = Claim.objects.filter(language=Language.ARABIC, appearances__article=seed)
    assert claims.count() >= 8
    for claim in claims:
        appearance = claim.appearances.get()
        assert appearance.is_first
        assert appearance.quote in seed.text


def test_it_loads_english_claims_too(first_run):
    claims = Claim.objects.filter(language=Language.ENGLISH)
    assert claims.count() >= 2
    for claim in claims:
        appearance = claim.appearances.get()
        assert appearance.article.language == Language.ENGLISH
        assert appearance.quote in appearance.article.text
    assert claims.filter(status=Status.PUBLISHED).exists()


def test_it_puts_claims_in_every_workflow_state(first_run):
    assert set(Claim.objects.values_list("status", flat=True)) == set(Status.values)


def test_it_publishes_complete_fact_checks(first_run):
    published = FactCheck.objects.filter(claim__status=Status.PUBLISHED)
    assert published.count() >= 3
    assert FactCheck.objects.published().count() == published.count()
    for factcheck in published:
        authors = set(factcheck.authors.values_list("pk", flat=True))
        assert factcheck.rating is not None
        assert factcheck.headline and factcheck.summary and factcheck.body
        assert factcheck.claim.sources.exists()
        assert authors
        assert factcheck.approved_by_id not in authors
        assert factcheck.approved_by.groups.filter(name="Editors").exists()


def test_it_cites_the_primary_sources(first_run):
    published_urls = set(
        Claim.objects.filter(status=Status.PUBLISHED).values_list(
            "sources__url", flat=True
        )
    )
    assert {
        data.ICC_STATES_PARTIES,
        data.ICC_PUTIN_WARRANT,
        data.UN_GRAIN_INITIATIVE,
    } <= published_urls


def test_it_publishes_a_correction(first_run):
    correction = Correction.objects.get(kind=CorrectionKind.CORRECTION)
    factcheck = correction.factcheck
    assert factcheck.claim.status == Status.PUBLISHED
    assert set(correction.previous) == {"body"}
    assert correction.previous["body"] != factcheck.body
    assert factcheck.claim.events.filter(kind=EventKind.CORRECTION).exists()


def test_it_retracts_with_a_public_note(first_run):
    factcheck = FactCheck.objects.get(claim__status=Status.RETRACTED)
    assert factcheck.retracted_at is not None
    retraction = factcheck.corrections.get(kind=CorrectionKind.RETRACTION)
    assert retraction.note


def test_it_leaves_open_work_assigned_and_under_way(first_run):
    for claim in Claim.objects.filter(status=Status.ACCEPTED):
        assert claim.assignee is not None
    for claim in Claim.objects.filter(status=Status.IN_RESEARCH):
        assert claim.assignee is not None
        assert claim.sources.exists()
        assert claim.factcheck.headline


def test_it_records_every_move_as_an_event(first_run):
    for claim in Claim.objects.all():
        events = list(claim.events.order_by("pk"))
        assert events[0].kind == EventKind.CREATE
        moves = [e for e in events if e.kind == EventKind.TRANSITION]
        status = Status.SUBMITTED
        for move in moves:
            assert move.from_status == status
            assert move.actor is not None
            status = move.to_status
        assert status == claim.status


def test_it_gives_every_role_its_people(first_run):
    for role, needed in (("Administrators", 1), ("Editors", 2), ("Fact-checkers", 2)):
        members = Group.objects.get(name=role).user_set.all()
        assert members.count() >= needed
        assert all(person.is_staff for person in members)
    # The demo shows the real role model: its administrator is no superuser.
    assert not User.objects.filter(is_superuser=True).exists()


def test_it_colours_ratings_legibly(first_run):
    ratings = Rating.objects.all()
    assert list(ratings.values_list("value", flat=True)) == [1, 2, 3, 4, 5]
    for rating in ratings:
        assert rating.definition_en and rating.definition_ar
        assert contrast_with_white(rating.colour) >= 4.5, rating


def test_it_finds_the_claims_by_search(first_run):
    arabic = Claim.objects.search("المحكمة الجنائية")
    assert arabic.filter(text__startswith="تركيا ليست طرفا في نظام روما").exists()
    english = Claim.objects.search("Rome Statute")
    assert english.filter(language=Language.ENGLISH).exists()


def test_it_changes_nothing_on_a_second_run(first_run):
    before = snapshot()

    output = load_demo()

    assert snapshot() == before
    assert "already loaded" in output


def test_it_leaves_alone_the_claims_people_have_worked_on(first_run):
    layla = User.objects.get(username="layla")
    accepted = Claim.objects.get(status=Status.ACCEPTED)
    services.assign(accepted, actor=layla, assignee=layla)
    draft = FactCheck.objects.filter(claim__status=Status.IN_RESEARCH).first()
    services.save_draft(
        draft,
        actor=layla,
        expected_version=draft.version,
        changes={"headline": "Layla's own headline"},
    )
    before = snapshot()

    load_demo()

    assert snapshot() == before


def test_it_does_not_duplicate_a_claim_already_in_the_queue(db):
    spec = next(c for c in data.CLAIMS if c.status == Status.PUBLISHED)
    services.submit_claim(text=spec.text, language=spec.language)

    load_demo()

    claim = Claim.objects.get(text=spec.text)
    assert claim.status == Status.SUBMITTED
    assert Claim.objects.count() == len(data.CLAIMS)


def test_it_keeps_a_rating_an_administrator_edited(db):
    Rating.objects.create(
        value=1,
        slug="wrong",
        label_en="Wrong",
        label_ar="خطأ",
        definition_en="Our own words.",
        definition_ar="كلماتنا.",
        colour="#000000",
    )

    load_demo()

    assert Rating.objects.get(value=1).label_en == "Wrong"


def test_it_writes_the_passwords_to_a_private_file(first_run, settings):
    mode = stat.S_IMODE(settings.DEMO_ACCOUNTS_FILE.stat().st_mode)
    assert mode == 0o600
    stored = accounts(settings)
    assert set(stored) == {demo.username for demo in data.USERS}
    for username, account in stored.items():
        assert User.objects.get(username=username).check_password(account["password"])


def test_it_prints_the_admin_address_and_the_accounts(first_run, settings):
    assert "https://desk.example/admin/" in first_run
    for demo in data.USERS:
        line = line_of(demo.username, first_run)
        assert demo.group in line
        assert accounts(settings)[demo.username]["password"] in line


def test_its_administrator_signs_in_to_manage_accounts_not_the_queue(
    first_run, settings, client
):
    signed_in = client.post(
        reverse("admin:login"),
        {
            "username": "admin",
            "password": accounts(settings)["admin"]["password"],
            "next": "/admin/",
        },
    )
    layla = User.objects.get(username="layla")
    page = client.get(reverse("admin:auth_user_change", args=[layla.pk]))

    assert signed_in.status_code == 302
    assert "role" in page.context["adminform"].form.fields
    assert "is_superuser" not in page.context["adminform"].form.fields
    assert client.get(reverse("admin:factcheck_claim_changelist")).status_code == 403


def test_it_prints_the_same_passwords_on_a_second_run(first_run, settings):
    written = settings.DEMO_ACCOUNTS_FILE.read_bytes()

    second_run = load_demo()

    assert settings.DEMO_ACCOUNTS_FILE.read_bytes() == written
    for account in accounts(settings).values():
        assert account["password"] in second_run


def test_it_says_how_to_reset_passwords_it_no_longer_has(first_run, settings):
    passwords = {name: a["password"] for name, a in accounts(settings).items()}
    settings.DEMO_ACCOUNTS_FILE.unlink()

    second_run = load_demo()

    assert not settings.DEMO_ACCOUNTS_FILE.exists()
    assert "(password unchanged)" in line_of("layla", second_run)
    assert "python manage.py changepassword USERNAME" in second_run
    assert not any(password in second_run for password in passwords.values())
    assert User.objects.get(username="layla").check_password(passwords["layla"])


def test_it_does_not_show_a_password_changed_since(first_run, settings):
    old = accounts(settings)["karim"]["password"]
    karim = User.objects.get(username="karim")
    karim.set_password("a new passphrase of karim's own")
    karim.save()

    second_run = load_demo()

    assert old not in second_run
    assert "(password unchanged)" in line_of("karim", second_run)
    assert accounts(settings)["layla"]["password"] in line_of("layla", second_run)


def test_it_holds_the_seed_article_in_intake_with_the_rome_statute_sentence_on_top(
    first_run,
):
    article = IntakeArticle.objects.get(canonical_url=data.SEED_ARTICLE.url)
    assert article.state == JobState.DONE
    assert article.outlet.domain == "addiyar.com"
    ranked = list(article.proposals.ranked())
    assert all(p.scorer.version == "rules-ar-1" for p in ranked)
    top_three = [p.text for p in ranked[:3]]
    rome = next(p for p in ranked if "نظام روما الأساسي" in p.text)
    assert rome.text in top_three
    # Already checked, in Arabic and in English: the desk's two published
    # fact-checks of that claim, both strong matches.
    checked = {
        Claim.objects.get(pk=m["claim"]).language
        for m in intake.strong_matches(rome.matches)
        if m["factcheck"] is not None
    }
    assert checked == {Language.ARABIC, Language.ENGLISH}
    peskov = next(p for p in ranked if p.text.startswith("وقال بيسكوف"))
    assert peskov.claimant.slug == "dmitry-peskov"


def test_it_takes_the_seed_article_in_once(first_run):
    proposals = Proposal.objects.count()
    load_demo()
    assert IntakeArticle.objects.count() == 1
    assert Proposal.objects.count() == proposals
