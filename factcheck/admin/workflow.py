"""The workflow on the claim page: what happens next and who does it, the moves
made from the page's own form (so what was typed is saved first), and the page
of its own that a move needing a note asks on."""

from dataclasses import dataclass

from django.contrib import admin, messages
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from factcheck import services
from factcheck.admin.common import TRANSITION_VERBS, person_name
from factcheck.admin.forms import AssignForm, ConfirmForm
from factcheck.models import (
    APPROVE,
    NOTE_REQUIRED,
    RESEARCH,
    TRANSITIONS,
    Claim,
    FactCheck,
    Status,
    next_step,
)
from factcheck.roles import STEP_ROLES, Role

# "Waiting for <someone> to …", by the status the claim waits to move to.
WAITING_FOR = {
    Status.ACCEPTED: _("Waiting for %(who)s to accept it or dismiss it."),
    Status.IN_RESEARCH: _("Waiting for %(who)s to start research."),
    Status.IN_REVIEW: _(
        "Waiting for %(who)s to finish the draft and send it for review."
    ),
    Status.APPROVED: _(
        "Waiting for %(who)s who did not write the draft to approve it or send it back."
    ),
    Status.PUBLISHED: _("Waiting for %(who)s to publish it."),
}
# The same step when the person reading the page is the one it waits for.
YOUR_TURN = {
    Status.ACCEPTED: _("Your turn: accept it, or dismiss it with a note."),
    Status.IN_RESEARCH: _("Your turn: start research."),
    Status.IN_REVIEW: _(
        "Your turn: finish the draft (headline, rating, summary, a source) and "
        "send it for review."
    ),
    Status.APPROVED: _("Your turn: approve it, or send it back with a note."),
    Status.PUBLISHED: _("Your turn: publish it, now or at a time you choose."),
}
NOTHING_WAITS = {
    Status.PUBLISHED: _(
        "Published. Nothing waits; an editor can correct it with a public note "
        "or retract it."
    ),
    Status.RETRACTED: _("Retracted. Nothing more happens to it."),
    Status.DISMISSED: _("Dismissed. Nothing more happens to it."),
}
# Who acts, named by role ("Waiting for an editor …").
A_ROLE = {
    Role.EDITOR: _("an editor"),
    Role.FACT_CHECKER: _("a fact-checker"),
}


def whats_next(claim: Claim, person: AbstractBaseUser, *, is_author: bool) -> str:
    """What happens next on this claim and who does it, read from the workflow
    graph (models.NEXT_STEP and the permission of its edge)."""
    step = next_step(claim.status)
    if step is None:
        return NOTHING_WAITS[claim.status]
    to, permission = step
    if permission == RESEARCH and claim.assignee_id:
        # The claim is someone's: research waits for them, not for anyone.
        if claim.assignee_id == person.pk:
            return YOUR_TURN[to]
        return WAITING_FOR[to] % {"who": person_name(claim.assignee)}
    if permission != RESEARCH and person.has_perm(permission):
        four_eyes = permission == APPROVE and is_author
        if not four_eyes:
            return YOUR_TURN[to]
    return WAITING_FOR[to] % {"who": A_ROLE[STEP_ROLES[permission]]}


def is_author(claim: Claim, person: AbstractBaseUser) -> bool:
    return FactCheck.objects.filter(claim=claim, authors=person).exists()


def button_label(claim: Claim, to: str) -> str:
    """A button that opens a page of its own ends in "…", as menus do."""
    if needs_confirmation(claim, to):
        return _("%(verb)s…") % {"verb": CONFIRM_VERBS[to]}
    if to == Status.IN_RESEARCH:
        return _("Start research")  # the other way in is "Send back…"
    return TRANSITION_VERBS[to]


def needs_confirmation(claim: Claim, to: str) -> bool:
    """Dismissing, sending back and retracting say why, on a page of their own:
    one click on a crowded page must not do them."""
    return (claim.status, to) in NOTE_REQUIRED


# --- Moves made from the claim page's own form ---------------------------------


@dataclass(frozen=True)
class Move:
    """A workflow button pressed on the claim page: `to` is a status, "take" or
    "assign"; made once what the page carried is saved and committed."""

    to: str
    note: str
    version: int
    assignee: str


class MoveAfterSave(HttpResponseRedirect):
    """What response_change answers when a workflow button was pressed: the
    save is done, the move waits for its commit (services.transition() runs in
    a transaction of its own, never inside the admin's)."""

    def __init__(self, url: str, move: Move):
        super().__init__(url)
        self.move = move


def pressed_move(request: HttpRequest, claim: Claim) -> Move | None:
    to = request.POST.get("transition", "")
    if not to:
        return None
    return Move(
        to=to,
        note=request.POST.get("transition_note", ""),
        version=claim.version,
        assignee=request.POST.get("transition-assignee", ""),
    )


def make_move(model_admin, request: HttpRequest, claim: Claim, move: Move):
    """Make the move the person asked for, after their typing is saved; a
    refusal says why on the same page, where what they typed now stands."""
    back = reverse("admin:factcheck_claim_change", args=[claim.pk])
    claim = Claim.objects.get(pk=claim.pk)
    if move.to in TRANSITIONS and needs_confirmation(claim, move.to):
        # A note typed on the claim page is not lost on the way: it waits in
        # the session (not the address, which servers log) for the next page.
        if move.note.strip():
            request.session[typed_note_key(claim)] = move.note
        return HttpResponseRedirect(confirmation_url(claim, move.to))
    try:
        done = _move(request, claim, move)
    except services.WorkflowError as exc:
        model_admin.message_user(
            request,
            _("Not moved: %(why)s Anything you had typed on the page is saved.")
            % {"why": exc.message},
            messages.ERROR,
        )
    else:
        model_admin.message_user(request, done, messages.SUCCESS)
    return HttpResponseRedirect(back)


def _move(request: HttpRequest, claim: Claim, move: Move) -> str:
    actor = request.user
    if move.to == "take":
        services.assign(claim, actor=actor, assignee=actor)
        return _("The claim is yours.")
    if move.to == "assign":
        person = chosen_person(move.assignee)
        services.assign(claim, actor=actor, assignee=person)
        if person is None:
            return _("The claim is no longer assigned to anyone.")
        return _("The claim is assigned to %(name)s.") % {"name": person_name(person)}
    if move.to not in TRANSITIONS:
        raise services.InvalidTransition(_("Unknown status."))
    services.transition(
        claim, to=move.to, actor=actor, note=move.note, expected_version=move.version
    )
    return _("The claim is now “%(status)s”.") % {"status": Status(move.to).label}


def chosen_person(pk: str) -> AbstractBaseUser | None:
    form = AssignForm({"assignee": pk})
    if not form.is_valid():
        raise services.GuardFailed(_("Choose someone from the list."))
    return form.cleaned_data["assignee"]


# --- The page of its own for a move that needs a note ---------------------------


def typed_note_key(claim: Claim) -> str:
    return f"factcheck:move-note:{claim.pk}"


def confirmation_url(claim: Claim, to: str) -> str:
    url = reverse("admin:factcheck_claim_transition", args=[claim.pk])
    return f"{url}?to={to}"


# The question and the button of each page of its own.
CONFIRM_TITLES = {
    Status.DISMISSED: _("Dismiss this claim?"),
    Status.IN_RESEARCH: _("Send this claim back to research?"),
    Status.RETRACTED: _("Retract this fact-check?"),
}
CONFIRM_VERBS = {
    Status.DISMISSED: _("Dismiss"),
    Status.IN_RESEARCH: _("Send back to research"),
    Status.RETRACTED: _("Retract"),
}
CONSEQUENCES = {
    Status.DISMISSED: _(
        "The claim leaves the queue's open work and is not checked. Its history stays."
    ),
    Status.IN_RESEARCH: _(
        "The draft goes back to research; any approval and scheduled "
        "publication are cancelled. The note tells the fact-checker what to "
        "change."
    ),
    Status.RETRACTED: _(
        "The fact-check is withdrawn from the site, the feeds, the sitemap and "
        "the API. Its address then shows the claim, the date and your public "
        "note, not the verdict."
    ),
}


def confirm_move(
    model_admin, request: HttpRequest, claim: Claim, to: str
) -> HttpResponse:
    """Ask, on a page of its own, for the note a move needs; make it on POST.
    A refusal comes back on this page with the note as typed."""
    back = reverse("admin:factcheck_claim_change", args=[claim.pk])
    if request.method == "POST":
        form = ConfirmForm(request.POST, to=to)
        if form.is_valid():
            try:
                services.transition(
                    claim,
                    to=to,
                    actor=request.user,
                    note=form.cleaned_data["note"],
                    expected_version=form.cleaned_data["version"],
                )
            except services.WorkflowError as exc:
                form.add_error(None, exc.message)
            else:
                model_admin.message_user(
                    request,
                    _("The claim is now “%(status)s”.") % {"status": Status(to).label},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(back)
    else:
        typed = request.session.pop(typed_note_key(claim), "")
        form = ConfirmForm(initial={"version": claim.version, "note": typed}, to=to)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": CONFIRM_TITLES[to],
        "opts": Claim._meta,
        "original": claim,
        "claims": [claim],
        "form": form,
        "to": to,
        "verb": CONFIRM_VERBS[to],
        "consequence": CONSEQUENCES[to],
        "back_url": back,
    }
    return TemplateResponse(request, "admin/factcheck/claim/confirm_move.html", context)


def confirm_dismissal(model_admin, request: HttpRequest, queryset) -> HttpResponse:
    """The queue's "Dismiss…": the claims chosen, and the note, on a page of its
    own, as Django's "Delete selected" asks before deleting."""
    claims = list(queryset.order_by("pk"))
    asked_again = request.POST.get("confirm") == "yes"
    context = {
        **model_admin.admin_site.each_context(request),
        "title": CONFIRM_TITLES[Status.DISMISSED],
        "opts": Claim._meta,
        "claims": claims,
        "note_error": _("Say why in the note: the next person reads it.")
        if asked_again
        else "",
        "note": request.POST.get("note", ""),
        "to": Status.DISMISSED,
        "verb": CONFIRM_VERBS[Status.DISMISSED],
        "consequence": CONSEQUENCES[Status.DISMISSED],
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        "back_url": reverse("admin:factcheck_claim_changelist"),
    }
    return TemplateResponse(
        request, "admin/factcheck/claim/confirm_dismissal.html", context
    )
