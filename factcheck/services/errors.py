"""Refusals: what a service raises instead of writing, with a message fit
to show the person who attempted it (a form error, an admin message, the API's
403/409/400).
"""


class WorkflowError(Exception):
    """A refused write, with a message fit to show the person who attempted it."""

    code = "refused"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotAllowed(WorkflowError):
    code = "permission_denied"


class InvalidTransition(WorkflowError):
    code = "invalid_transition"


class GuardFailed(WorkflowError):
    code = "guard_failed"


class Conflict(WorkflowError):
    """Someone else changed the record since this person loaded it."""

    code = "conflict"
