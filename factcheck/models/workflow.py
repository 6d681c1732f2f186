"""The editorial workflow: the statuses a claim passes through, the moves
between them with the permission each needs, and the queue's order.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    IN_RESEARCH = "in_research", _("In research")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    RETRACTED = "retracted", _("Retracted")
    DISMISSED = "dismissed", _("Dismissed")


# The editorial workflow, written once: for each status, the statuses a claim may
# move to and the permission that move needs. Every caller (admin, API, tasks,
# commands) moves a claim only along these edges, through services.transition().
TRIAGE = "factcheck.triage_claim"
RESEARCH = "factcheck.research_claim"
APPROVE = "factcheck.approve_factcheck"
PUBLISH = "factcheck.publish_factcheck"
RETRACT = "factcheck.retract_factcheck"
CORRECT = "factcheck.correct_factcheck"

TRANSITIONS: dict[str, dict[str, str]] = {
    Status.SUBMITTED: {Status.ACCEPTED: TRIAGE, Status.DISMISSED: TRIAGE},
    Status.ACCEPTED: {Status.IN_RESEARCH: RESEARCH, Status.DISMISSED: TRIAGE},
    Status.IN_RESEARCH: {Status.IN_REVIEW: RESEARCH},
    # Back to research is the editor's "changes requested".
    Status.IN_REVIEW: {Status.APPROVED: APPROVE, Status.IN_RESEARCH: APPROVE},
    Status.APPROVED: {Status.PUBLISHED: PUBLISH, Status.IN_RESEARCH: APPROVE},
    Status.PUBLISHED: {Status.RETRACTED: RETRACT},
    Status.RETRACTED: {},
    Status.DISMISSED: {},
}

# Moves that must say why, because the note is what the next person reads
# (or, for a retraction, what the public reads).
NOTE_REQUIRED = {
    (Status.SUBMITTED, Status.DISMISSED),
    (Status.ACCEPTED, Status.DISMISSED),
    (Status.IN_REVIEW, Status.IN_RESEARCH),
    (Status.APPROVED, Status.IN_RESEARCH),
    (Status.PUBLISHED, Status.RETRACTED),
}

# The step that moves a claim on from each open status: the edge of TRANSITIONS
# the work is waiting for (the others dismiss, send back or retract). Whoever
# holds that edge's permission acts next; the desk says so on every claim page.
NEXT_STEP: dict[str, str] = {
    Status.SUBMITTED: Status.ACCEPTED,
    Status.ACCEPTED: Status.IN_RESEARCH,
    Status.IN_RESEARCH: Status.IN_REVIEW,
    Status.IN_REVIEW: Status.APPROVED,
    Status.APPROVED: Status.PUBLISHED,
}
assert all(to in TRANSITIONS[status] for status, to in NEXT_STEP.items())


def next_step(status: str) -> tuple[str, str] | None:
    """The status a claim in `status` waits to move to, and the permission that
    move needs; None when nothing waits (published, retracted, dismissed)."""
    to = NEXT_STEP.get(status)
    return None if to is None else (to, TRANSITIONS[status][to])


# Claims an editor still has to act on; the queue shows these first.
OPEN_STATUSES = (
    Status.SUBMITTED,
    Status.ACCEPTED,
    Status.IN_RESEARCH,
    Status.IN_REVIEW,
    Status.APPROVED,
)


class Priority(models.IntegerChoices):
    LOW = 0, _("Low")
    NORMAL = 1, _("Normal")
    HIGH = 2, _("High")
    URGENT = 3, _("Urgent")


def closed_last():
    """0 for open work, 1 for closed claims: the queue's first sort key. One
    expression for the queue's ORDER BY and the index that serves it, which
    PostgreSQL uses only when the two are the same."""
    return models.Case(
        models.When(status__in=OPEN_STATUSES, then=models.Value(0)),
        default=models.Value(1),
        output_field=models.IntegerField(),
    )
