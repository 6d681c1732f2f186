"""Load the demo newsroom: its people, the rating scale, and claims in every state.

`make run` calls this on every start. It is idempotent by looking before it writes,
not by an outer transaction: the workflow's transitions are durable transactions of
their own and refuse to nest. What exists already is never changed, because by the
next start people may have worked on it. Every claim is moved along the workflow by
the service layer, acting as the demo editors and fact-checkers, so the history an
editor sees in the admin is the one the services wrote.
"""

import json
import logging
import os
import secrets
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import AbstractBaseUser, Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from factcheck import services
from factcheck.demo.data import (
    ARTICLES,
    CLAIMANTS,
    CLAIMS,
    OUTLETS,
    RATINGS,
    SEED_ARTICLE,
    TAGS,
    TRANSLATIONS,
    USERS,
    ClaimData,
    DemoUser,
)
from factcheck.models import (
    NOTE_REQUIRED,
    TRANSITIONS,
    Article,
    Claim,
    Claimant,
    FactCheck,
    IntakeArticle,
    IntakeSource,
    JobState,
    Language,
    Outlet,
    Rating,
    Status,
    Tag,
)
from factcheck.services import intake

# Who makes each move, as a field of ClaimData naming the demo user.
MOVED_BY = {
    Status.ACCEPTED: "editor",
    Status.DISMISSED: "editor",
    Status.IN_RESEARCH: "checker",
    Status.IN_REVIEW: "checker",
    Status.APPROVED: "approver",
    Status.PUBLISHED: "approver",
    Status.RETRACTED: "approver",
}


def workflow_path(target: str) -> list[str]:
    """The shortest way through the workflow graph from submission to `target`."""
    paths = {Status.SUBMITTED: [Status.SUBMITTED]}
    queue = deque([Status.SUBMITTED])
    while queue:
        status = queue.popleft()
        for following in TRANSITIONS[status]:
            if following not in paths:
                paths[following] = [*paths[status], following]
                queue.append(following)
    return paths[target]


def accounts_file() -> Path:
    return Path(settings.DEMO_ACCOUNTS_FILE)


def read_accounts(path: Path) -> dict[str, dict[str, str]]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise CommandError(
            f"Cannot read {path} ({exc}). Delete it and reset the demo passwords "
            "with: python manage.py changepassword NAME"
        ) from exc


def write_accounts(path: Path, accounts: dict[str, dict[str, str]]) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        # O_CREAT's mode does not apply to a file left behind by an interrupted run.
        os.fchmod(file.fileno(), 0o600)
        json.dump(accounts, file, ensure_ascii=False, indent=2)
        file.write("\n")
    os.replace(partial, path)


def create_user(demo: DemoUser, password: str) -> AbstractBaseUser:
    with transaction.atomic():
        user = get_user_model().objects.create_user(
            username=demo.username,
            password=password,
            first_name=demo.first_name,
            last_name=demo.last_name,
            is_staff=True,
        )
        user.groups.add(Group.objects.get(name=demo.group))
    return user


def ensure_users() -> tuple[dict[str, AbstractBaseUser], dict[str, str]]:
    """The demo accounts by username, and the passwords of those created now."""
    User = get_user_model()
    people, new_passwords = {}, {}
    for demo in USERS:
        user = User.objects.filter(username=demo.username).first()
        if user is None:
            new_passwords[demo.username] = secrets.token_urlsafe(12)
            user = create_user(demo, new_passwords[demo.username])
        people[demo.username] = user
    return people, new_passwords


def ensure_ratings() -> dict[int, Rating]:
    # The scale is the administrators' to edit: an existing step is left as it is.
    ratings = {}
    for data in RATINGS:
        defaults = {k: v for k, v in asdict(data).items() if k != "value"}
        ratings[data.value] = Rating.objects.get_or_create(
            value=data.value, defaults=defaults
        )[0]
    return ratings


def ensure_articles(actor: AbstractBaseUser) -> dict[str, Article]:
    outlets = {
        data.domain: Outlet.objects.get_or_create(
            domain=data.domain,
            defaults={
                "name": data.name,
                "name_ar": data.name_ar,
                "language": data.language,
            },
        )[0]
        for data in OUTLETS
    }
    return {
        data.url: services.get_or_create_article(
            actor=actor,
            url=data.url,
            outlet=outlets[data.outlet_domain],
            title=data.title,
            language=data.language,
            published_on=data.published_on,
            text=data.text,
        )
        for data in ARTICLES
    }


class DemoDesk:
    """Takes each demo claim as far through the workflow as its data says."""

    def __init__(self, people: dict[str, AbstractBaseUser]):
        self.people = people
        self.ratings = ensure_ratings()
        self.articles = ensure_articles(actor=people["fatima"])
        self.claimants = {
            data.slug: Claimant.objects.get_or_create(
                slug=data.slug,
                defaults={
                    "name": data.name,
                    "role": data.role,
                    "same_as": data.same_as,
                    "kind": data.kind,
                },
            )[0]
            for data in CLAIMANTS
        }
        self.tags = {
            data.slug: Tag.objects.get_or_create(
                slug=data.slug,
                defaults={"name_en": data.name_en, "name_ar": data.name_ar},
            )[0]
            for data in TAGS
        }

    def link_translations(self) -> None:
        """Link the demo's fact-checks checked in both languages, unless an
        editor has linked either to something else since."""
        for arabic_text, english_text in TRANSLATIONS:
            pair = [
                FactCheck.objects.filter(claim__text=text, language=language).first()
                for text, language in (
                    (arabic_text, Language.ARABIC),
                    (english_text, Language.ENGLISH),
                )
            ]
            if None in pair or any(f.translation_id for f in pair):
                continue
            services.link_translation(
                pair[0], translation=pair[1], actor=self.people["layla"]
            )

    def person(self, spec: ClaimData, role: str) -> AbstractBaseUser:
        return self.people[getattr(spec, role)]

    def load(self, spec: ClaimData) -> bool:
        """Take a new claim to its demo state; True if the claim was new.

        A claim already in the queue is left as it is, however far it got: since
        the last start the desk may have reassigned, edited or moved it.
        """
        if Claim.objects.filter(text=spec.text, language=spec.language).exists():
            return False
        claim = self.submit(spec)
        for to in workflow_path(spec.status)[1:]:
            self.prepare(claim, spec, to)
            self.move(claim, spec, to)
        self.settle(claim, spec)
        return True

    def submit(self, spec: ClaimData) -> Claim:
        article = self.articles[spec.article_url]
        claim = services.submit_claim(
            text=spec.text,
            language=spec.language,
            actor=self.people[spec.submitted_by] if spec.submitted_by else None,
            context=spec.context,
            contact=spec.contact,
            claimant=self.claimants[spec.claimant] if spec.claimant else None,
            claimed_on=article.published_on,
        )
        services.add_appearance(
            claim,
            actor=self.person(spec, "checker"),
            article=article,
            quote=spec.quote,
            is_first=True,
        )
        return claim

    def move(self, claim: Claim, spec: ClaimData, to: str) -> None:
        needs_note = (claim.status, to) in NOTE_REQUIRED
        services.transition(
            claim,
            to=to,
            actor=self.person(spec, MOVED_BY[to]),
            note=spec.note if needs_note else "",
        )

    def prepare(self, claim: Claim, spec: ClaimData, to: str) -> None:
        """What the desk does before a move."""
        if to == Status.ACCEPTED:
            self.triage(claim, spec)
        elif to == Status.IN_RESEARCH:
            self.assign(claim, spec)
        elif to == Status.IN_REVIEW:
            self.research(claim, spec)

    def settle(self, claim: Claim, spec: ClaimData) -> None:
        """The work under way in the state the claim rests in."""
        if claim.status == Status.ACCEPTED:
            self.assign(claim, spec)
        elif claim.status == Status.IN_RESEARCH:
            self.research(claim, spec)
        elif claim.status == Status.PUBLISHED and spec.correction:
            services.correct(
                FactCheck.objects.get(claim=claim),
                actor=self.person(spec, "approver"),
                kind=spec.correction.kind,
                note=spec.correction.note,
                **spec.correction.changes,
            )

    def triage(self, claim: Claim, spec: ClaimData) -> None:
        services.update_claim(
            claim,
            actor=self.person(spec, "editor"),
            expected_version=claim.version,
            changes={"priority": spec.priority},
            tags=[self.tags[slug] for slug in spec.tags],
        )

    def assign(self, claim: Claim, spec: ClaimData) -> None:
        services.assign(
            claim,
            actor=self.person(spec, "editor"),
            assignee=self.person(spec, "checker"),
        )

    def research(self, claim: Claim, spec: ClaimData) -> None:
        checker = self.person(spec, "checker")
        for source in spec.sources:
            services.add_source(claim, actor=checker, **asdict(source))
        if spec.draft is None:
            return
        draft = services.ensure_draft(claim)
        services.save_draft(
            draft,
            actor=checker,
            expected_version=draft.version,
            changes={
                "headline": spec.draft.headline,
                "summary": spec.draft.summary,
                "body": spec.draft.body,
                "rating": self.ratings.get(spec.draft.rating),
            },
        )


@contextmanager
def quiet_workflow_log(verbosity: int) -> Iterator[None]:
    # One log line per transition would bury the sign-in details at the end.
    log = logging.getLogger(services.__name__)
    level = log.level
    if verbosity < 2:
        log.setLevel(logging.WARNING)
    try:
        yield
    finally:
        log.setLevel(level)


class Command(BaseCommand):
    help = (
        "Load the demo newsroom: accounts for every role, the rating scale and "
        "claims from the seed article in every workflow state. Safe to run again."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--accounts-only",
            action="store_true",
            help="Print the demo accounts and their passwords again; change nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = accounts_file()
        accounts = read_accounts(path)
        if options["accounts_only"]:
            # `make run` prints them again below the worker's start-up banner.
            names = [demo.username for demo in USERS]
            people = get_user_model().objects.filter(username__in=names)
            self.report_accounts({u.username: u for u in people}, accounts, path)
            return
        people, new_passwords = ensure_users()
        if new_passwords:
            # Written before the claims load, so a failure there loses no password.
            roles = {demo.username: demo.group for demo in USERS}
            accounts.update(
                {
                    name: {"role": roles[name], "password": password}
                    for name, password in new_passwords.items()
                }
            )
            write_accounts(path, accounts)
        with quiet_workflow_log(options["verbosity"]):
            desk = DemoDesk(people)
            added = sum(desk.load(spec) for spec in CLAIMS)
            self.ensure_intake(people["fatima"])
            desk.link_translations()
        self.report_claims(added)
        self.report_accounts(people, accounts, path)

    def ensure_intake(self, actor: AbstractBaseUser) -> IntakeArticle:
        """The seed report taken in again, its sentences ranked by the current
        scorer (the rules, on a new desk) against the claims loaded above.

        Processed here rather than by a worker, so the demo shows it at once;
        the message recorded with it finds the job done and does nothing.
        """
        seed = SEED_ARTICLE
        article = intake.record_article(
            actor=actor,
            source=IntakeSource.TEXT,
            url=seed.url,
            canonical_url=seed.url,
            title=seed.title,
            published_on=seed.published_on,
            text=seed.text,
        )
        if article.state == JobState.PENDING:
            intake.run_intake_job(article.pk, lease="load_demo")
        return article

    def report_claims(self, added: int) -> None:
        total = len(CLAIMS)
        if added:
            self.stdout.write(
                self.style.SUCCESS(f"Demo newsroom: loaded {added} of {total} claims.")
            )
        else:
            self.stdout.write(f"Demo newsroom: all {total} claims already loaded.")

    def report_accounts(
        self,
        people: dict[str, AbstractBaseUser],
        accounts: dict[str, dict[str, str]],
        path: Path,
    ) -> None:
        self.stdout.write(f"\nSign in at {settings.SITE_URL}/admin/ as:\n")
        name_width = max(len(demo.username) for demo in USERS) + 2
        role_width = max(len(demo.group) for demo in USERS) + 2
        shown = 0
        for demo in USERS:
            password = accounts.get(demo.username, {}).get("password", "")
            person = people.get(demo.username)
            # Someone may have changed it in the admin since: show only what works.
            works = (
                bool(password)
                and person is not None
                and check_password(password, person.password)
            )
            shown += works
            self.stdout.write(
                f"  {demo.username:<{name_width}}{demo.group:<{role_width}}"
                f"{password if works else '(password unchanged)'}"
            )
        if shown:
            self.stdout.write(
                f"\nThe passwords shown are kept in {path}, readable only by you."
            )
        if shown < len(USERS):
            self.stdout.write(
                "\nTo set a new password: python manage.py changepassword USERNAME"
            )
