"""Claim intake: take an article in, read its sentences ranked, decide on each.

The article page is not a change form: an intake article is not edited, it is
read. Every button calls `factcheck.services.intake`; this module decides only
what to show to whom.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from factcheck import services
from factcheck.admin.common import job_badge, local_time
from factcheck.bidi import direction
from factcheck.intake.rules import REASON_LABELS
from factcheck.models import (
    INTAKE_TEXT_MAX_LENGTH,
    OPEN_JOB_STATES,
    Claim,
    Claimant,
    DismissReason,
    IntakeArticle,
    Language,
    Proposal,
    ProposalState,
    ScorerModel,
)
from factcheck.services import intake

DECIDE = intake.DECIDE


class IntakeForm(forms.Form):
    url = forms.URLField(
        label=_("Article link"),
        required=False,
        max_length=2000,
        assume_scheme="https",
        help_text=_(
            "The page is fetched now; its text is processed in the background."
        ),
    )
    text = forms.CharField(
        label=_("Or the article's text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "dir": "auto"}),
        # Lazy to the end: "%" on a lazy string would fix it in the language of
        # the process's start-up, not of the person reading the form.
        help_text=lazy(
            lambda: gettext("Up to %(n)d characters.") % {"n": INTAKE_TEXT_MAX_LENGTH},
            str,
        )(),
    )
    title = forms.CharField(label=_("Title (for pasted text)"), required=False)


class MakeClaimForm(forms.Form):
    text = forms.CharField(
        label=_("Claim"), widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"})
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    claimant = forms.ModelChoiceField(
        label=_("Claimant"), queryset=Claimant.objects.all(), required=False
    )
    # Shown for pasted text only: an article with a link has its appearance.
    article_url = forms.CharField(
        label=_("Where it was published (link)"),
        required=False,
        max_length=2000,
        help_text=_(
            "Pasted text has no link: give the article's, and the claim gets its "
            "appearance there."
        ),
    )


class DismissForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why"), choices=DismissReason.choices)
    already_checked = forms.IntegerField(
        label=_("Already checked as claim #"), required=False, min_value=1
    )

    def clean_already_checked(self):
        number = self.cleaned_data.get("already_checked")
        if number is None:
            return None
        claim = Claim.objects.filter(pk=number).first()
        if claim is None:
            raise ValidationError(_("There is no claim #%(n)d.") % {"n": number})
        return claim


@admin.register(IntakeArticle)
class IntakeArticleAdmin(admin.ModelAdmin):
    list_display = ["title_or_start", "state_badge", "source", "proposal_count"]
    list_display += ["created_by", "created"]
    list_filter = ["state", "source", "language"]
    search_fields = ["title", "url", "text"]
    list_select_related = ["created_by"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_proposals=Count("proposals"),
                n_open=Count("proposals", filter=Q(proposals__state="open")),
            )
        )

    @admin.display(description=_("article"), ordering="title")
    def title_or_start(self, article: IntakeArticle) -> str:
        return str(article)

    @admin.display(description=_("status"), ordering="state")
    def state_badge(self, article: IntakeArticle) -> str:
        return job_badge(article)

    @admin.display(description=_("sentences (open)"))
    def proposal_count(self, article: IntakeArticle) -> str:
        return f"{article.n_proposals} ({article.n_open})"

    @admin.display(description=_("taken in"), ordering="created_at")
    def created(self, article: IntakeArticle) -> str:
        return local_time(article.created_at)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def may_decide(self, request) -> bool:
        return request.user.has_perm(DECIDE)

    # --- Taking an article in

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = IntakeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                article = intake.submit_article(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            except services.WorkflowError as exc:
                raise PermissionDenied(exc.message) from exc
            else:
                self.message_user(
                    request,
                    _("“%(a)s” was taken in; its sentences are being ranked.")
                    % {"a": article},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(_article_url(article.pk))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Take an article in"),
            "opts": self.model._meta,
            "form": form,
        }
        return TemplateResponse(
            request, "admin/factcheck/intakearticle/add.html", context
        )

    # --- The article page

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = get_object_or_404(
            self.get_queryset(request).select_related("outlet", "created_by"),
            pk=object_id if str(object_id).isdigit() else 0,
        )
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        proposals = list(article.proposals.ranked())
        may_decide = self.may_decide(request)
        claimants = list(Claimant.objects.all()) if may_decide else []
        matched = _matched_claims(proposals)
        context = {
            **self.admin_site.each_context(request),
            "title": str(article),
            "opts": self.model._meta,
            "original": article,
            "article": article,
            "working": article.state in OPEN_JOB_STATES,
            "state_badge": job_badge(article),
            "proposals": [
                _row(p, matched, may_decide=may_decide, claimants=claimants)
                for p in proposals
            ],
            "may_decide": may_decide,
            "created": local_time(article.created_at),
            "current_models": ScorerModel.objects.current(),
        }
        return TemplateResponse(
            request, "admin/factcheck/intakearticle/article.html", context
        )

    def get_urls(self):
        decide = self.admin_site.admin_view(self.decide_view)
        return [
            path(
                "<int:pk>/proposals/<int:proposal>/<str:action>/",
                decide,
                name="factcheck_intakearticle_decide",
            ),
            *super().get_urls(),
        ]

    def decide_view(
        self, request: HttpRequest, pk: int, proposal: int, action: str
    ) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_permission(request) or not self.may_decide(request):
            raise PermissionDenied
        found = get_object_or_404(Proposal, pk=proposal, article_id=pk)
        back = _article_url(pk) + f"#proposal-{found.pk}"
        if action == "claim":
            form = MakeClaimForm(request.POST)
            act = _make_claim
        elif action == "dismiss":
            form = DismissForm(request.POST)
            act = _dismiss
        else:
            raise PermissionDenied
        if not form.is_valid():
            self.message_user(request, _form_errors(form), messages.ERROR)
            return HttpResponseRedirect(back)
        try:
            done = act(found, request.user, form.cleaned_data)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        except services.WorkflowError as exc:
            self.message_user(request, exc.message, messages.ERROR)
        else:
            self.message_user(request, done, messages.SUCCESS)
        return HttpResponseRedirect(back)


def _article_url(pk: int) -> str:
    return reverse("admin:factcheck_intakearticle_change", args=[pk])


def _make_claim(proposal: Proposal, actor, data: dict) -> str:
    claim = intake.make_claim(
        proposal,
        actor=actor,
        text=data["text"],
        language=data["language"],
        claimant=data["claimant"],
        article_url=data["article_url"],
    )
    return _("Claim #%(n)d is in the queue.") % {"n": claim.pk}


def _dismiss(proposal: Proposal, actor, data: dict) -> str:
    intake.dismiss(
        proposal,
        actor=actor,
        reason=data["reason"],
        already_checked=data["already_checked"],
    )
    return _("Marked as not check-worthy: %(why)s.") % {
        "why": DismissReason(data["reason"]).label
    }


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _form_errors(form: forms.Form) -> str:
    return " ".join(
        f"{form.fields[f].label if f in form.fields else ''} {' '.join(e)}".strip()
        for f, e in form.errors.items()
    )


def _matched_claims(proposals: list[Proposal]) -> dict[int, Claim]:
    """Every claim any proposal matched, in one query."""
    ids = {m["claim"] for p in proposals for m in p.matches}
    return Claim.objects.select_related("factcheck").in_bulk(ids)


def _row(proposal: Proposal, matched: dict, *, may_decide: bool, claimants) -> dict:
    matches = [
        {
            **m,
            "claim_obj": matched[m["claim"]],
            "strong": m["score"] >= intake.STRONG_MATCH,
            "percent": round(m["score"] * 100),
        }
        for m in proposal.matches
        if m["claim"] in matched
    ]
    row = {
        "p": proposal,
        "dir": direction(proposal.language),
        "percent": round(proposal.score * 100),
        "reasons": [REASON_LABELS[r] for r in proposal.reasons if r in REASON_LABELS],
        "matches": matches,
        "already_checked": any(m["strong"] for m in matches),
    }
    if may_decide and proposal.state == ProposalState.OPEN:
        row["claim_form"] = MakeClaimForm(
            initial={
                "text": proposal.text,
                "language": proposal.language,
                "claimant": proposal.claimant_id,
            },
            auto_id=f"p{proposal.pk}-%s",
        )
        row["claim_form"].fields["claimant"].choices = [("", "—")] + [
            (c.pk, c.name) for c in claimants
        ]
        if proposal.article.url:
            del row["claim_form"].fields["article_url"]
        first = next((m for m in matches if m["strong"]), None)
        row["dismiss_form"] = DismissForm(
            initial={
                "reason": DismissReason.ALREADY_CHECKED if first else "",
                "already_checked": first["claim"] if first else None,
            },
            auto_id=f"d{proposal.pk}-%s",
        )
    return row


@admin.register(ScorerModel)
class ScorerModelAdmin(admin.ModelAdmin):
    """Which model ranks each language, and how each was measured when trained."""

    list_display = ["version", "language", "kind", "is_current", "trained_on"]
    list_display += ["metrics", "created_at"]
    list_filter = ["language", "kind", "is_current"]
    fields = list_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
