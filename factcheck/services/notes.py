"""Internal notes on a claim: fact-checkers and editors talk where they work."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from factcheck.models import NOTE_MAX_LENGTH, RESEARCH, Claim, EventKind, Note
from factcheck.services.audit import record
from factcheck.services.errors import GuardFailed, NotAllowed


def add_note(claim: Claim, *, actor: AbstractBaseUser, text: str) -> Note:
    """Add a note to the claim's thread, and to its history: the Event keeps the
    words, so the history tells the conversation with the work. Any status: a
    published claim is still talked about (a reader's complaint, a correction)."""
    if actor is None or not actor.has_perm(RESEARCH):
        raise NotAllowed(_("Only fact-checkers and editors write internal notes."))
    text = (text or "").strip()
    if not text:
        raise GuardFailed(_("Write the note first."))
    if len(text) > NOTE_MAX_LENGTH:
        raise GuardFailed(
            _("A note can be at most %(n)d characters long.") % {"n": NOTE_MAX_LENGTH}
        )
    note = Note(claim=claim, author=actor, text=text)
    note.full_clean(exclude=["claim", "author"])
    with transaction.atomic():
        note.save()
        record(claim, EventKind.NOTE, actor, note=note.text, subject=note)
    return note
