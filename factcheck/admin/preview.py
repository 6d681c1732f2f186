"""The preview: a draft's public page as readers will see it, shown to the desk
only, before anything is published."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from factcheck.models import Claim, FactCheck, Status
from factcheck.pages import factcheck_page, rendered

# Where a claim has a draft that is not public: from research to approval.
PREVIEWABLE = (Status.IN_RESEARCH, Status.IN_REVIEW, Status.APPROVED)


def preview_url(claim: Claim) -> str | None:
    if claim.status not in PREVIEWABLE:
        return None
    return reverse("admin:factcheck_claim_preview", args=[claim.pk])


def page_url(claim: Claim) -> str | None:
    """The claim's page outside the desk: the public one once published, the
    preview while it is a draft, none before research or after dismissal."""
    if claim.status == Status.PUBLISHED:
        factcheck = FactCheck.objects.filter(claim=claim).first()
        return factcheck.get_absolute_url() if factcheck else None
    return preview_url(claim)


def factcheck_page_url(factcheck: FactCheck) -> str | None:
    """The same, for a fact-check whose claim is already at hand."""
    if factcheck.claim.status == Status.PUBLISHED:
        return factcheck.get_absolute_url()
    return preview_url(factcheck.claim)


def page_link(claim: Claim) -> str:
    """The queue's link to a draft's preview (no query: the address is the pk)."""
    url = preview_url(claim)
    if url is None:
        return ""
    return format_html(' <a class="preview-link" href="{}">{}</a>', url, _("Preview"))


def preview_view(model_admin, request: HttpRequest, pk: int) -> HttpResponse:
    """The public template and context (pages.factcheck_page), for the draft as
    it stands, rendered now and never stored, in its own language, marked as a
    preview and never cached or indexed. The admin site has already checked who
    is signed in."""
    claim = get_object_or_404(Claim, pk=pk)
    if not model_admin.has_view_permission(request, claim):
        raise PermissionDenied
    factcheck = FactCheck.objects.with_page_parts().filter(claim=claim).first()
    if factcheck is None or claim.status not in PREVIEWABLE:
        raise Http404(_("This claim has no draft to preview."))
    # The page as it would read if published now.
    factcheck.published_at = factcheck.published_at or timezone.now()
    with override(factcheck.language):
        context = factcheck_page(factcheck, rendered(factcheck))
        context.update(
            preview=True,
            desk_url=reverse("admin:factcheck_claim_change", args=[claim.pk]),
            claim_status=claim.get_status_display(),
        )
        response = render(request, "factcheck/factcheck_detail.html", context)
    add_never_cache_headers(response)
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
