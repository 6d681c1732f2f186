"""Claim intake's writes: take an article in, propose its sentences, decide on them.

`submit_article` checks what it is given in the request (a link the fetcher
accepts and a page with article text, or pasted text within the limit) and
stores nothing when it refuses; fetching one page is bounded by the fetcher's
limits. The work that takes seconds (splitting, scoring, attribution, matching)
runs in Celery: the article row is its own job, recorded in the same
transaction and sent after commit (the outbox), swept like the others.
`make_claim` and `dismiss` record the editor's decision with the score and the
model that were shown; `train_scorer` learns from those decisions.
"""

import datetime
import functools
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlsplit

import trafilatura
from celery.exceptions import SoftTimeLimitExceeded
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from factcheck.fetching import HTML_CONTENT_TYPES, FetchFailed, Refused, fetch
from factcheck.fields import FORBIDDEN_CHARS, has_visible_text
from factcheck.intake.checkworthiness import (
    Decision,
    Replacement,
    RuleScorer,
    Scorer,
    TrainedScorer,
    train_and_maybe_replace,
)
from factcheck.intake.embeddings import get_embedder
from factcheck.intake.language import detect_language
from factcheck.intake.matching import VectorIndex
from factcheck.intake.pipeline import analyse_article
from factcheck.models import (
    CHECK_WORTHY_OUTCOMES,
    INTAKE_TEXT_MAX_LENGTH,
    Article,
    Claim,
    Claimant,
    DecisionOutcome,
    DismissReason,
    EventKind,
    FactCheck,
    IntakeArticle,
    IntakeSource,
    JobState,
    Language,
    Proposal,
    ProposalDecision,
    ProposalState,
    ScorerKind,
    ScorerModel,
    Status,
)
from factcheck.services import outbox, vectors
from factcheck.services.appearances import (
    add_appearance,
    get_or_create_article,
    get_or_create_outlet,
    outlet_of,
)
from factcheck.services.audit import record
from factcheck.services.claims import submit_claim
from factcheck.services.errors import GuardFailed, NotAllowed

logger = logging.getLogger(__name__)

TAKE_IN = "factcheck.add_intakearticle"
DECIDE = "factcheck.add_proposaldecision"
PROCESS_MAX_ATTEMPTS = 3
# How many earlier claims each proposal keeps, and the similarity below which
# an earlier claim is not worth showing (USE cosine: paraphrases of one claim
# across Arabic and English score about 0.6-0.9, unrelated news 0.2-0.45).
MATCHES_PER_PROPOSAL = 3
MATCH_FLOOR = 0.5
# From here a match is flagged "already checked?" on the proposal.
STRONG_MATCH = 0.65
TEXT_CONTENT_TYPES = HTML_CONTENT_TYPES | {"text/plain"}
TRAINED_LANGUAGES = (Language.ARABIC, Language.ENGLISH)


class Unprocessable(Exception):
    """The article cannot be processed: retrying will not help."""


# --- Taking an article in ---------------------------------------------------------


def submit_article(
    *,
    actor: AbstractBaseUser,
    url: str = "",
    text: str = "",
    title: str = "",
) -> IntakeArticle:
    """An article for intake, from its link or its pasted text; processed later.

    Raises ValidationError (keyed by field) for input that cannot become an
    article, before anything is stored. A link to a page already taken in
    returns that article.
    """
    if not actor.has_perm(TAKE_IN):
        raise NotAllowed(_("Only fact-checkers and editors take articles in."))
    url, text = (url or "").strip(), (text or "").strip()
    if bool(url) == bool(text):
        raise ValidationError(_("Give either the article's link or its text."))
    if url:
        fields = article_from_link(url)
    else:
        fields = {"source": IntakeSource.TEXT, "text": _article_text(text, "text")}
        fields["title"] = title.strip()
    return record_article(actor=actor, **fields)


def record_article(*, actor: AbstractBaseUser | None, **fields) -> IntakeArticle:
    """Store an article's text (already fetched or pasted) and send it for
    processing after commit; the one article for its canonical link if there
    is one already. submit_article's second half, and the demo's way in."""
    fields["text"] = _article_text(fields.get("text", ""), "text")
    fields["language"] = detect_language(fields["text"])
    if fields.get("outlet") is None:
        fields["outlet"] = outlet_of(fields.get("canonical_url", ""))
    article = IntakeArticle(created_by=actor, **fields)
    article.full_clean(exclude=["outlet", "article"], validate_constraints=False)
    existing = _already_taken_in(article.canonical_url)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            article.save()
            record(None, EventKind.CREATE, actor, subject=article)
            transaction.on_commit(
                partial(
                    outbox.enqueue,
                    outbox.PROCESS_INTAKE_ARTICLE,
                    IntakeArticle,
                    article.pk,
                )
            )
    except IntegrityError:
        # A colleague took the same page in a moment ago: theirs it is.
        existing = _already_taken_in(article.canonical_url)
        if existing is None:
            raise
        return existing
    return article


def taken_in(links: Iterable[str]) -> set[str]:
    """Which of these links an article already taken in has, by any route (its
    link as given, or its page's canonical link)."""
    links = {link for link in links if link}
    found = IntakeArticle.objects.filter(
        Q(canonical_url__in=links) | Q(url__in=links)
    ).values_list("canonical_url", "url")
    return links & {link for pair in found for link in pair}


def _already_taken_in(canonical_url: str) -> IntakeArticle | None:
    if not canonical_url:
        return None
    return IntakeArticle.objects.filter(canonical_url=canonical_url).first()


def _article_text(text: str, field: str) -> str:
    # Bidirectional controls are layout, not words; pages and pastes carry them.
    text = FORBIDDEN_CHARS.sub("", text).strip()
    if not has_visible_text(text):
        raise ValidationError({field: _("The article has no text.")})
    if len(text) > INTAKE_TEXT_MAX_LENGTH:
        raise ValidationError(
            {
                field: _(
                    "The article is too long: intake takes up to %(limit)d "
                    "characters (this has %(n)d). Paste the part to check."
                )
                % {"limit": INTAKE_TEXT_MAX_LENGTH, "n": len(text)}
            }
        )
    return text


def article_from_link(url: str) -> dict:
    """The page behind a link, as article fields; ValidationError if it is none.
    A link submitted by hand and a feed's item are read alike."""
    try:
        fetched = fetch(url)
    except Refused as exc:
        raise ValidationError(
            {"url": _("This link cannot be fetched: %(r)s.") % {"r": exc.reason}}
        ) from exc
    except FetchFailed as exc:
        raise ValidationError(
            {"url": _("The page could not be fetched: %(r)s.") % {"r": exc.reason}}
        ) from exc
    if fetched.status >= 400:
        raise ValidationError(
            {"url": _("The page answered with HTTP %(s)d.") % {"s": fetched.status}}
        )
    if fetched.content_type not in TEXT_CONTENT_TYPES:
        raise ValidationError(
            {
                "url": _(
                    "This link leads to %(type)s, not to a web page or text: "
                    "paste the article's text instead."
                )
                % {"type": fetched.content_type}
            }
        )
    fields = {"source": IntakeSource.URL, "url": url}
    if fetched.content_type == "text/plain":
        text = fetched.body.decode("utf-8", errors="replace").replace("\x00", "")
        fields.update(text=_article_text(text, "url"), canonical_url=fetched.final_url)
        return fields
    document = trafilatura.bare_extraction(
        fetched.body, url=fetched.final_url, with_metadata=True, favor_precision=True
    )
    if document is None or not (document.text or "").strip():
        raise ValidationError(
            {"url": _("No article text was found on this page: paste it instead.")}
        )
    fields.update(
        text=_article_text(document.text, "url"),
        title=(document.title or "")[:500],
        author=(document.author or "")[:200],
        published_on=_date(document.date),
        canonical_url=_canonical(document.url, fetched.final_url),
    )
    return fields


def _canonical(declared: str | None, final_url: str) -> str:
    """The page's canonical link when it names one on the same site."""
    if declared and urlsplit(declared).hostname == urlsplit(final_url).hostname:
        return declared
    return final_url


def _date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


# --- Processing (in Celery) ---------------------------------------------------------


def run_intake_job(article_id: int, *, lease: str) -> None:
    """Process a waiting article; the Celery task's body. A job taken by another
    message, or already done, is left alone."""
    now = timezone.now()
    taken = (
        IntakeArticle.objects.filter(pk=article_id)
        .filter(Q(state=JobState.PENDING) | Q(state=JobState.RUNNING, lease=lease))
        .update(
            state=JobState.RUNNING,
            lease=lease,
            started_at=now,
            run_after=now,
            updated_at=now,
            attempts=F("attempts") + 1,
        )
    )
    if not taken:
        return
    article = IntakeArticle.objects.get(pk=article_id)
    if article.attempts > PROCESS_MAX_ATTEMPTS:
        # Taken again and again without finishing: something kills the worker.
        _fail(article, _("Stopped after %(n)d attempts.") % {"n": PROCESS_MAX_ATTEMPTS})
        return
    try:
        process_article(article)
    except SoftTimeLimitExceeded:
        _fail(article, _("Processing took longer than the task's time limit."))
    except Exception as exc:
        logger.exception("intake article %s could not be processed", article.pk)
        _fail(article, _("Processing failed: %(e)s") % {"e": exc})


def _fail(article: IntakeArticle, error: str) -> None:
    now = timezone.now()
    IntakeArticle.objects.filter(pk=article.pk).update(
        state=JobState.FAILED, finished_at=now, updated_at=now, error=error[:2000]
    )


def process_article(article: IntakeArticle) -> list[Proposal]:
    """Split, score, attribute and match the article; store its proposals."""
    languages = {article.language, Language.ARABIC, Language.ENGLISH}
    scorer_rows = {language: current_scorer(language) for language in languages}
    scorers = {language: load_scorer(row) for language, row in scorer_rows.items()}
    claimants = dict(Claimant.objects.values_list("name", "pk"))
    index, candidates = _earlier_claims_index()
    analysed = analyse_article(
        article.text,
        scorers=scorers,
        embedder=get_embedder(),
        claimant_names=claimants,
        index=index,
        matches_per_sentence=MATCHES_PER_PROPOSAL,
    )
    by_version = {row.version: row for row in scorer_rows.values()}
    proposals = [
        Proposal(
            article=article,
            position=found.sentence.position,
            text=found.sentence.text,
            language=found.sentence.language,
            speaker=_speaker(found.attribution),
            claimant_id=claimants.get(found.claimant) if found.claimant else None,
            score=min(1.0, max(0.0, float(found.score))),
            reasons=list(found.reasons),
            matches=[
                {**candidates[m.index], "score": round(m.score, 3)}
                for m in found.matches
                if m.score >= MATCH_FLOOR
            ],
            scorer=by_version[found.scorer_version],
        )
        for found in analysed
    ]
    used = sorted({p.scorer.version for p in proposals})
    with transaction.atomic():
        Proposal.objects.filter(article=article, state=ProposalState.OPEN).delete()
        Proposal.objects.bulk_create(proposals, ignore_conflicts=True)
        now = timezone.now()
        IntakeArticle.objects.filter(pk=article.pk).update(
            state=JobState.DONE,
            finished_at=now,
            updated_at=now,
            error="",
            scorer_versions=", ".join(used)[:200],
        )
    article.refresh_from_db()
    return list(article.proposals.ranked())


def _speaker(attribution) -> str:
    if attribution is None:
        return ""
    return (attribution.name or attribution.speaker or "")[:300]


def _earlier_claims_index() -> tuple[VectorIndex | None, list[dict]]:
    """The desk's claims, each with its published fact-check, as a vector index.

    Dismissed claims were never checked, so they are not "already checked".
    Read afresh for each article from the stored vectors (services.vectors).
    """
    claims = Claim.objects.exclude(status=Status.DISMISSED)
    index = vectors.load_index(vectors.claim_rows(claims))
    if not index.keys:
        return None, []
    published = dict(FactCheck.objects.published().values_list("claim_id", "pk"))
    languages = dict(claims.values_list("pk", "language"))
    candidates = [
        {"claim": pk, "factcheck": published.get(pk), "language": languages[pk]}
        for pk in index.keys
    ]
    return index.index, candidates


def similar_claims(claim: Claim, *, limit: int = 5) -> list[tuple[Claim, float]]:
    """Other claims that say the same thing as this one, in either language,
    the closest first, with their similarity: the claim page's "similar
    earlier claims". Searches every claim of the desk by its stored vector."""
    index = vectors.desk_index()
    vector = index.vector_of(claim.pk)
    if vector is None:
        vector = get_embedder().embed([claim.text])[0]
    found = [
        (pk, score)
        for pk, score in closest(index, vector, claim.text, limit=limit + 1)
        if pk != claim.pk
    ][:limit]
    others = Claim.objects.select_related("claimant").in_bulk([pk for pk, _ in found])
    return [(others[pk], score) for pk, score in found if pk in others]


# The longest text "has this been checked?" takes, in characters: a claim is a
# sentence or two; a whole article belongs in intake, which proposes its
# sentences one by one.
MATCH_TEXT_MAX_LENGTH = 1000


def published_factchecks_like(
    text: str, *, limit: int = 5
) -> list[tuple[FactCheck, float]]:
    """Published fact-checks whose claim says what `text` says, in either
    language, the closest first, with their similarity: the public "has this
    been checked?". What the index finds is read again through published(),
    so nothing unpublished can come out, however close its text and however
    old the index."""
    vector = get_embedder().embed([text])[0]
    found = closest(vectors.public_index(), vector, text, limit=limit)
    published = FactCheck.objects.published().in_bulk([pk for pk, _ in found])
    return [(published[pk], score) for pk, score in found if pk in published]


def closest(
    index: vectors.ClaimIndex, vector, text: str, *, limit: int
) -> list[tuple[int, float]]:
    """The keys of the index that say what `text` says, as (key, similarity),
    the closest first; those below MATCH_FLOOR are not worth showing. The one
    rule of similarity for the claim page and the public API alike."""
    found = index.search(vector, text, limit=limit)
    return [(key, score) for key, score, _match in found if score >= MATCH_FLOOR]


# --- The scorer models --------------------------------------------------------------


def current_scorer(language: str) -> ScorerModel:
    """The model in use for a language; the rule-based scorer until one is trained."""
    row = ScorerModel.objects.current().filter(language=language).first()
    if row is not None:
        return row
    rules = RuleScorer(language)
    try:
        with transaction.atomic():
            row, _created = ScorerModel.objects.get_or_create(
                version=rules.version,
                defaults={"language": language, "kind": ScorerKind.RULES},
            )
            ScorerModel.objects.filter(pk=row.pk).update(is_current=True)
    except IntegrityError:
        pass  # another process made one current at the same moment
    return ScorerModel.objects.current().get(language=language)


@functools.lru_cache(maxsize=8)
def _trained(version: str, data: bytes) -> TrainedScorer:
    return TrainedScorer.from_bytes(data)


def load_scorer(row: ScorerModel) -> Scorer:
    if row.kind == ScorerKind.RULES:
        return RuleScorer(row.language)
    return _trained(row.version, bytes(row.model))


def decisions_for_training(language: str) -> list[Decision]:
    """The editors' decisions in one language, oldest first, as labelled rows."""
    decisions = ProposalDecision.objects.filter(proposal__language=language)
    worthy = set(decisions.filter(CHECK_WORTHY_OUTCOMES).values_list("pk", flat=True))
    rows = decisions.order_by("decided_at", "pk").values_list(
        "pk", "proposal__text", "decided_at"
    )
    return [Decision(text, pk in worthy, at) for pk, text, at in rows]


@dataclass(frozen=True)
class Training:
    language: str
    replacement: Replacement
    decisions: int
    seeded: int
    model: ScorerModel | None  # the new current model, when it replaced the old


def train_scorer(language: str, *, seed: Sequence[tuple[str, bool]] = ()) -> Training:
    """Train on the seed rows and the editors' decisions (the seed counts as
    older than any decision) and replace the current model only if the new one
    ranks the most recent decisions at least as well."""
    epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
    seeded = [
        Decision(text, bool(label), epoch + datetime.timedelta(seconds=i))
        for i, (text, label) in enumerate(seed)
    ]
    decided = decisions_for_training(language)
    current = current_scorer(language)
    replacement = train_and_maybe_replace(
        load_scorer(current), [*seeded, *decided], language=language
    )
    model = None
    if replacement.replaced:
        model = _make_current(language, replacement, trained_on=len(seeded + decided))
    return Training(language, replacement, len(decided), len(seeded), model)


def _make_current(
    language: str, replacement: Replacement, *, trained_on: int
) -> ScorerModel:
    scorer = replacement.scorer
    metrics = {
        "holdout_average_precision": replacement.candidate_ap,
        "previous_model_average_precision": replacement.current_ap,
        "holdout_size": replacement.holdout_size,
    }
    with transaction.atomic():
        ScorerModel.objects.select_for_update().filter(language=language).update(
            is_current=False
        )
        row, _created = ScorerModel.objects.update_or_create(
            version=scorer.version,
            defaults={
                "language": language,
                "kind": ScorerKind.TRAINED,
                "model": scorer.to_bytes(),
                "metrics": metrics,
                "trained_on": trained_on,
                "is_current": True,
            },
        )
    return row


# --- Deciding on a proposal -------------------------------------------------------


def _lock_open(proposal: Proposal) -> Proposal:
    locked = (
        Proposal.objects.select_for_update()
        .select_related("article", "scorer")
        .get(pk=proposal.pk)
    )
    if locked.state != ProposalState.OPEN:
        raise GuardFailed(
            _("This sentence was already decided on (“%(state)s”).")
            % {"state": locked.get_state_display()}
        )
    return locked


def make_claim(
    proposal: Proposal,
    *,
    actor: AbstractBaseUser,
    text: str | None = None,
    language: str | None = None,
    claimant: Claimant | None = None,
    article_url: str = "",
) -> Claim:
    """The proposal becomes a claim in the queue, with its appearance in the
    article (the sentence as the quote).

    An appearance is in an Article, which is known by its link: pasted text
    has one only when the editor gives it (`article_url`, where the text was
    published); without it the claim notes the intake article it came from.
    A link from a site the desk does not know adds that site as an outlet.
    """
    if not actor.has_perm(DECIDE):
        raise NotAllowed(_("Only fact-checkers and editors decide on proposals."))
    article_url = _editors_link(article_url)
    with transaction.atomic(durable=True):
        locked = _lock_open(proposal)
        intake = locked.article
        if article_url and (intake.url or intake.article_id):
            raise ValidationError(
                {
                    "article_url": _(
                        "This article has its link already; give one only for "
                        "pasted text."
                    )
                }
            )
        claim = submit_claim(
            text=text if text is not None else locked.text,
            language=language or locked.language,
            actor=actor,
            claimant=claimant,
            claimed_on=intake.published_on,
            context=intake.url
            or article_url
            or _("Intake article #%(n)d (pasted text)") % {"n": intake.pk},
        )
        article = _desk_article(intake, actor=actor, url=article_url)
        if article is not None:
            add_appearance(
                claim, actor=actor, article=article, quote=locked.text, is_first=True
            )
        Proposal.objects.filter(pk=locked.pk).update(
            state=ProposalState.CLAIMED, claim=claim
        )
        decision = ProposalDecision.objects.create(
            proposal=locked,
            outcome=DecisionOutcome.CLAIM,
            score=locked.score,
            scorer=locked.scorer,
            actor=actor,
        )
        record(
            claim,
            EventKind.CREATE,
            actor,
            subject=decision,
            data={"proposal": locked.pk, "score": locked.score},
        )
    proposal.refresh_from_db()
    return claim


def _editors_link(url: str) -> str:
    """The link an editor gave for pasted text, as an Article would store it;
    refused on its own field."""
    url = (url or "").strip()
    if not url:
        return ""
    try:
        return Article._meta.get_field("url").clean(url, None)
    except ValidationError as exc:
        raise ValidationError({"article_url": exc.messages}) from exc


def _desk_article(intake: IntakeArticle, *, actor: AbstractBaseUser, url: str = ""):
    """The desk's Article for an intake article with a link (its own, or the
    one the editor gave for pasted text); None for pasted text without one."""
    if intake.article_id is not None:
        return intake.article
    url = intake.canonical_url or intake.url or url
    if not url:
        return None
    outlet = intake.outlet or get_or_create_outlet(
        actor=actor, url=url, language=intake.language
    )
    article = get_or_create_article(
        actor=actor,
        url=url,
        outlet=outlet,
        title=intake.title or str(intake)[:500],
        language=intake.language,
        published_on=intake.published_on,
        text=intake.text,
    )
    IntakeArticle.objects.filter(pk=intake.pk).update(
        article=article, outlet=outlet, url=intake.url or url
    )
    return article


def dismiss(
    proposal: Proposal,
    *,
    actor: AbstractBaseUser,
    reason: str,
    already_checked: Claim | None = None,
) -> ProposalDecision:
    """Not check-worthy, and why; "already checked" names the earlier claim."""
    if not actor.has_perm(DECIDE):
        raise NotAllowed(_("Only fact-checkers and editors decide on proposals."))
    if reason not in DismissReason.values:
        raise ValidationError({"reason": _("Choose why it is not worth checking.")})
    if (reason == DismissReason.ALREADY_CHECKED) != (already_checked is not None):
        raise ValidationError(
            {
                "already_checked": _(
                    "Name the earlier claim when, and only when, it was already "
                    "checked."
                )
            }
        )
    with transaction.atomic(durable=True):
        locked = _lock_open(proposal)
        Proposal.objects.filter(pk=locked.pk).update(state=ProposalState.DISMISSED)
        decision = ProposalDecision.objects.create(
            proposal=locked,
            outcome=DecisionOutcome.DISMISSED,
            reason=reason,
            already_checked=already_checked,
            score=locked.score,
            scorer=locked.scorer,
            actor=actor,
        )
        record(
            None,
            EventKind.CREATE,
            actor,
            subject=decision,
            data={"proposal": locked.pk, "reason": reason, "score": locked.score},
        )
    proposal.refresh_from_db()
    return decision


def strong_matches(matches: Iterable[dict]) -> list[dict]:
    return [m for m in matches if m.get("score", 0) >= STRONG_MATCH]
