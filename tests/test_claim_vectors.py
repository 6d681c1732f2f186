"""Claims' sentence vectors kept in PostgreSQL: computed in Celery when a claim
is created or its text changes, backfilled by a command, and searched from an
index each process loads once.

The plumbing runs with the small trigram embedder; the cross-lingual tests with
the desk's real multilingual one. Both database paths (the machine's
PostgreSQL without pgvector, the embedded one with it) run these tests in CI:
the vectors are plain bytea, so nothing here depends on an extension.
"""

import io

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from factcheck import pagecache
from factcheck.intake.embeddings import get_embedder
from factcheck.models import ClaimVector, CorrectionKind, JobState, Language, Status
from factcheck.services import intake, vectors
from factcheck.services.claims import submit_claim, update_claim
from factcheck.services.corrections import correct
from factcheck.services.jobs import SWEEP_GRACE, sweep
from newsroom.celery import app
from tests import factories
from tests.api import anonymous  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

MATCH = "/api/v1/factchecks/match/"
ROME_EN = (
    "Turkey is not a party to the Rome Statute of the International Criminal Court"
)
ROME_AR = "تركيا ليست طرفا في نظام روما الأساسي للمحكمة الجنائية الدولية"
GRAIN_EN = "The Black Sea grain deal was signed with the United Nations in July 2022"


@pytest.fixture
def trigrams(settings):
    settings.INTAKE_EMBEDDER = "tests.intake_embedder.TrigramEmbedder"


def run_sent_jobs(enqueued) -> list:
    """Run what was sent to the broker through Celery's own task objects."""
    sent = enqueued()
    for n, (name, args) in enumerate(sent):
        app.tasks[name].apply(args=args, task_id=f"test-task-{n}").get()
    return sent


def stored(claim) -> np.ndarray:
    row = ClaimVector.objects.get(claim=claim)
    assert row.state == JobState.DONE
    return np.frombuffer(bytes(row.vector), dtype="<f4")


def expected(text: str) -> np.ndarray:
    return get_embedder().embed([text])[0]


# --- Computed in Celery, through the outbox


def test_a_new_claim_gets_its_vector_from_a_celery_job_after_commit(
    trigrams, editor, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        claim = submit_claim(text=ROME_EN, language=Language.ENGLISH, actor=editor)

    row = ClaimVector.objects.get(claim=claim)
    assert row.state == JobState.PENDING
    assert row.vector is None
    assert run_sent_jobs(enqueued) == [("factcheck.tasks.embed_claim", [row.pk])]
    row.refresh_from_db()
    assert row.embedder == "test-trigrams-256"
    assert row.text_md5 == vectors.text_md5(ROME_EN)
    np.testing.assert_allclose(stored(claim), expected(ROME_EN), rtol=1e-6)


def test_postgres_and_python_digest_a_text_alike():
    with connection.cursor() as cursor:
        cursor.execute("SELECT md5(%s)", [ROME_AR])
        assert cursor.fetchone()[0] == vectors.text_md5(ROME_AR)


def test_an_edited_text_is_embedded_again_and_other_edits_are_not(
    trigrams, editor, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        claim = submit_claim(text=ROME_EN, language=Language.ENGLISH, actor=editor)
    run_sent_jobs(enqueued)

    with django_capture_on_commit_callbacks(execute=True):
        claim = update_claim(
            claim,
            actor=editor,
            expected_version=claim.version,
            changes={"priority": 3},
        )
    assert enqueued() == []
    with django_capture_on_commit_callbacks(execute=True):
        update_claim(
            claim,
            actor=editor,
            expected_version=claim.version,
            changes={"text": GRAIN_EN},
        )

    assert ClaimVector.objects.get(claim=claim).state == JobState.PENDING
    run_sent_jobs(enqueued)
    np.testing.assert_allclose(stored(claim), expected(GRAIN_EN), rtol=1e-6)


def test_a_corrected_claim_text_is_embedded_again(
    trigrams, editor, enqueued, django_capture_on_commit_callbacks
):
    factcheck = factories.public_factcheck(
        Language.ENGLISH, claim_fields={"text": ROME_EN}
    )

    with django_capture_on_commit_callbacks(execute=True):
        correct(
            factcheck,
            actor=editor,
            kind=CorrectionKind.CORRECTION,
            note="The claim was quoted wrongly.",
            claim_changes={"text": GRAIN_EN},
        )

    assert ("factcheck.tasks.embed_claim", [factcheck.claim.vector.pk]) in (
        run_sent_jobs(enqueued)
    )
    np.testing.assert_allclose(stored(factcheck.claim), expected(GRAIN_EN), rtol=1e-6)


def test_a_job_overtaken_by_a_newer_text_stores_nothing(
    trigrams, editor, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        claim = submit_claim(text=ROME_EN, language=Language.ENGLISH, actor=editor)
    (_name, [row_id]), *_ = enqueued()
    ClaimVector.objects.filter(pk=row_id).update(state=JobState.RUNNING, lease="old")
    with django_capture_on_commit_callbacks(execute=True):
        update_claim(
            claim, actor=editor, expected_version=1, changes={"text": GRAIN_EN}
        )

    assert not vectors.store_vector(ClaimVector.objects.get(pk=row_id), lease="old")
    assert ClaimVector.objects.get(pk=row_id).vector is None
    run_sent_jobs(enqueued)
    np.testing.assert_allclose(stored(claim), expected(GRAIN_EN), rtol=1e-6)


def test_the_sweeper_resends_a_vector_job_whose_message_was_lost(
    trigrams, editor, enqueued
):
    # No on-commit callbacks run: the message was never sent.
    claim = submit_claim(text=ROME_EN, language=Language.ENGLISH, actor=editor)
    row = ClaimVector.objects.get(claim=claim)
    ClaimVector.objects.filter(pk=row.pk).update(
        run_after=row.run_after - 2 * SWEEP_GRACE
    )

    assert sweep() == 1
    assert enqueued() == [("factcheck.tasks.embed_claim", [row.pk])]


# --- The backfill command


def test_the_backfill_embeds_only_missing_and_stale_vectors_and_is_idempotent(
    trigrams, settings
):
    missing = factories.claim(text=ROME_EN, language=Language.ENGLISH)
    current = factories.claim(text=GRAIN_EN, language=Language.ENGLISH)
    vectors.backfill()
    edited = factories.claim(text="Old words", language=Language.ENGLISH)
    vectors.backfill()
    ClaimVector.objects.filter(claim=edited).update(text_md5=vectors.text_md5("x"))
    before = ClaimVector.objects.get(claim=current).updated_at
    ClaimVector.objects.filter(claim=missing).delete()

    out = io.StringIO()
    call_command("embed_claims", "--batch-size", "1", stdout=out)

    assert "1/2 claims embedded" in out.getvalue()
    assert "Stored 2 vectors (test-trigrams-256)" in out.getvalue()
    assert ClaimVector.objects.get(claim=current).updated_at == before
    np.testing.assert_allclose(stored(missing), expected(ROME_EN), rtol=1e-6)
    again = io.StringIO()
    call_command("embed_claims", stdout=again)
    assert "Every claim has a current vector" in again.getvalue()

    settings.INTAKE_EMBEDDER = "tests.intake_embedder.OtherTrigramEmbedder"
    changed = io.StringIO()
    call_command("embed_claims", stdout=changed)
    assert "Stored 3 vectors (test-trigrams-256-other)" in changed.getvalue()


def test_the_backfill_refuses_a_batch_of_nothing(trigrams):
    with pytest.raises(CommandError):
        call_command("embed_claims", "--batch-size", "0")


# --- The indexes


def test_an_index_reads_stored_vectors_and_embeds_only_what_has_none(trigrams):
    old = [factories.claim(text=f"Claim number {n}") for n in range(3)]
    vectors.backfill()
    new = factories.claim(text="A claim whose job has not run yet")

    index = vectors.desk_index()

    assert index.keys == [c.pk for c in [*old, new]]
    assert (index.embedded, index.skipped) == (1, 0)
    np.testing.assert_allclose(index.vector_of(old[0].pk), stored(old[0]))


def test_past_the_on_the_fly_limit_claims_without_vectors_are_skipped(
    trigrams, monkeypatch
):
    monkeypatch.setattr(vectors, "ON_THE_FLY", 2)
    claims = [factories.claim(text=f"Claim number {n}") for n in range(5)]

    index = vectors.desk_index()

    # The newest are most likely those whose job has yet to run.
    assert index.keys == [c.pk for c in claims[-2:]]
    assert index.skipped == 3


def test_an_index_is_loaded_once_and_again_when_vectors_or_publications_change(
    trigrams, django_assert_num_queries
):
    factories.claim(text=ROME_EN)
    first = vectors.desk_index()
    with django_assert_num_queries(0):
        assert vectors.desk_index() is first

    vectors.changed()
    second = vectors.desk_index()
    pagecache.purge()
    third = vectors.desk_index()

    assert len({id(first), id(second), id(third)}) == 3


def test_the_public_index_holds_published_fact_checks_only(trigrams):
    public = factories.public_factcheck(
        Language.ENGLISH, claim_fields={"text": GRAIN_EN}
    )
    factories.factcheck_at(Status.IN_REVIEW, claim_fields={"text": ROME_EN})
    factories.claim(text=ROME_EN)
    vectors.backfill()

    assert vectors.public_index().keys == [public.pk]


def test_a_claim_retracted_after_the_index_loaded_is_not_matched(
    anonymous,  # noqa: F811
):
    factcheck = factories.public_factcheck(
        Language.ENGLISH, claim_fields={"text": ROME_EN}
    )
    vectors.backfill()
    assert anonymous.get(MATCH, {"text": ROME_AR}).json()["results"]

    # Retracted without the purge the workflow makes: the index still has it.
    factories.make_public(factcheck.claim, Status.RETRACTED)
    assert vectors.public_index().keys == [factcheck.pk]
    response = anonymous.get(MATCH, {"text": ROME_AR + " ؟"})

    assert response.json() == {"results": []}


# --- Cross-lingual, from stored vectors (the real embedder)


def test_arabic_text_finds_the_english_fact_check_by_its_stored_vector(
    anonymous,  # noqa: F811
    django_assert_num_queries,
):
    english = factories.public_factcheck(
        Language.ENGLISH, claim_fields={"text": ROME_EN}
    )
    factories.public_factcheck(Language.ENGLISH, claim_fields={"text": GRAIN_EN})
    assert vectors.backfill() == 2

    with django_assert_num_queries(2):  # the index, the fact-checks
        results = anonymous.get(MATCH, {"text": ROME_AR}).json()["results"]

    assert vectors.public_index().embedded == 0
    assert results[0]["slug"] == english.slug
    assert results[0]["score"] >= intake.STRONG_MATCH


def test_the_claim_page_compares_stored_vectors_across_languages():
    english = factories.claim(text=ROME_EN, language=Language.ENGLISH)
    factories.claim(text=GRAIN_EN, language=Language.ENGLISH)
    arabic = factories.claim(text=ROME_AR)
    vectors.backfill()

    found = intake.similar_claims(arabic)

    assert [claim for claim, _score in found] == [english]
    assert vectors.desk_index().embedded == 0
