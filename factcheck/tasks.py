"""Celery tasks: thin. Each takes an id, and the service re-reads the database.

The rules (what to fetch, when to retry, when to give up, what to record) live in
factcheck/services/jobs.py. A task only turns "retry in N seconds" into a Celery retry;
if that message is lost too, the job row is still pending and the sweeper resends.

Celery stops a task after max_retries retries (3 unless the task says otherwise),
which would leave attempts 4 and on to the sweeper, minutes late. Each attempt
counts against the job's row before the service asks for a retry, and it asks only
while the row has attempts left, so a cap of one run per allowed attempt never
stops a task before the service would.
"""

from celery import shared_task
from django.utils import timezone

from factcheck import pages, services
from factcheck.models import HEARTBEAT, PeriodicJob
from factcheck.services import feeds, intake


@shared_task(bind=True, max_retries=services.ARCHIVE_MAX_ATTEMPTS - 1)
def archive_source(self, job_id: int) -> None:
    retry_in = services.run_archive_job(job_id, lease=self.request.id)
    if retry_in is not None:
        raise self.retry(countdown=retry_in)


@shared_task(bind=True, max_retries=services.DELIVERY_MAX_ATTEMPTS - 1)
def deliver_webhook(self, delivery_id: int) -> None:
    retry_in = services.run_delivery(delivery_id, lease=self.request.id)
    if retry_in is not None:
        raise self.retry(countdown=retry_in)


@shared_task(bind=True, max_retries=services.NOTIFICATION_MAX_ATTEMPTS - 1)
def email_notification(self, notification_id: int) -> None:
    retry_in = services.run_notification_email(notification_id, lease=self.request.id)
    if retry_in is not None:
        raise self.retry(countdown=retry_in)


@shared_task(bind=True, max_retries=0)
def process_intake_article(self, article_id: int) -> None:
    # A lost or killed run is resent by the sweeper, which the row's attempts cap.
    intake.run_intake_job(article_id, lease=self.request.id)


@shared_task(bind=True, max_retries=services.EMBED_MAX_ATTEMPTS - 1)
def embed_claim(self, vector_id: int) -> None:
    retry_in = services.run_embedding_job(vector_id, lease=self.request.id)
    if retry_in is not None:
        raise self.retry(countdown=retry_in)


@shared_task
def poll_feeds() -> int:
    """Every minute: the outlets' feeds whose poll is due, one task each."""
    return len(feeds.send_due_polls())


@shared_task(
    soft_time_limit=feeds.POLL_SOFT_TIME_LIMIT,
    time_limit=feeds.POLL_SOFT_TIME_LIMIT + 30,
)
def poll_feed(feed_id: int) -> int:
    # A poll fetches the feed and up to ITEMS_PER_POLL pages: longer than the
    # default limit. A lost run costs one interval; the feed is due again.
    return feeds.poll_feed(feed_id).taken_in


@shared_task
def train_checkworthiness() -> dict[str, bool]:
    """Nightly: each language's model retrained from the editors' decisions,
    kept only if it ranks the latest ones at least as well."""
    return {
        language: intake.train_scorer(language).replacement.replaced
        for language in intake.TRAINED_LANGUAGES
    }


@shared_task
def publish_scheduled() -> int:
    return len(services.publish_due())


@shared_task
def render_pages() -> int:
    # Bounded, so one run ends well inside the minute before the next is sent.
    return pages.render_missing_pages(limit=2000)


@shared_task
def check_links() -> int:
    return services.record_link_checks()


@shared_task
def sweep() -> int:
    return services.sweep()


@shared_task
def heartbeat() -> None:
    # Sent by beat; run here, it shows the admin that the worker takes what the
    # clock sends (factcheck.models.PeriodicJob).
    PeriodicJob.objects.record_run(HEARTBEAT, at=timezone.now())
