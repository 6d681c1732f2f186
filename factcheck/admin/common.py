"""What every admin page of the desk shares: badges, times, the version check
that catches concurrent edits, and refusals shown as messages."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin import widgets
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponseRedirect
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from factcheck import services
from factcheck.models import ArchiveJob, Claim, Delivery, Source, Status

# Verbs on the buttons and actions, one per target status.
TRANSITION_VERBS = {
    Status.ACCEPTED: _("Accept"),
    Status.DISMISSED: _("Dismiss"),
    Status.IN_RESEARCH: _("Start research / send back"),
    Status.IN_REVIEW: _("Send for review"),
    Status.APPROVED: _("Approve"),
    Status.PUBLISHED: _("Publish"),
    Status.RETRACTED: _("Retract"),
}


def listed(items) -> str:
    """Items of a list as the reader's language writes them: Arabic separates
    them with its own comma (،), not the Latin one."""
    return pgettext("between the items of a list", ", ").join(str(i) for i in items)


def person_name(person) -> str:
    """A colleague as the desk names them: full name, or login if none is set."""
    return person.get_full_name() or person.get_username()


# Free text is typed in Arabic or English, often both on one page: each input and
# text area takes the direction of what is written in it (dir="auto"), whatever
# the admin's own language. Links and addresses stay left to right.
FREE_TEXT = {
    models.URLField: {"widget": widgets.AdminURLFieldWidget},
    models.CharField: {"widget": widgets.AdminTextInputWidget(attrs={"dir": "auto"})},
    models.TextField: {"widget": widgets.AdminTextareaWidget(attrs={"dir": "auto"})},
}


def status_badge(claim: Claim) -> str:
    return format_html(
        '<span class="status-badge status-{}">{}</span>',
        claim.status,
        # The enum's label: get_status_display() flattens and hashes the field's
        # choices on every call, ten times the cost, fifty times a queue page.
        Status(claim.status).label,
    )


def _badge(kind: str, value: str, label: str) -> str:
    # Text on a colour (admin.css), never colour alone.
    return format_html('<span class="status-badge {}-{}">{}</span>', kind, value, label)


def link_badge(source: Source) -> str:
    return _badge("link", source.link_status, source.get_link_status_display())


def job_badge(job: ArchiveJob | Delivery) -> str:
    return _badge("job", job.state, job.get_state_display())


def local_time(moment) -> str:
    """A time as the desk reads it: in the site's time zone, which is named."""
    if moment is None:
        return "—"
    local = timezone.localtime(moment)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"


def schedule_note(claim: Claim) -> str:
    """“Scheduled for … by …” on an approved claim with a publication time.

    Read from the annotations of ClaimAdmin.get_queryset, so the queue pays no
    query per row for it.
    """
    when = getattr(claim, "scheduled_for", None)
    if claim.status != Status.APPROVED or when is None:
        return ""
    return _("Scheduled for %(when)s by %(editor)s") % {
        "when": local_time(when),
        "editor": claim.scheduled_by,
    }


class VersionedForm(forms.ModelForm):
    """Carries the version the person loaded, so a stale save is refused, not merged.

    The check here gives the person their form back with a message; the service
    checks again under a row lock, which is what closes the race.
    """

    # Not named "version": the model field is non-editable and the admin refuses
    # a form field that shadows it.
    loaded_version = forms.IntegerField(
        label=_("version you opened"), widget=forms.HiddenInput, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            current = type(self.instance).objects.filter(pk=self.instance.pk)
            current_version = current.values_list("version", flat=True).first()
            if cleaned.get("loaded_version") != current_version:
                raise ValidationError(
                    _(
                        "Someone else saved this %(thing)s after you opened it. "
                        "Nothing of theirs or yours was overwritten: copy your "
                        "changes, reload the page, and apply them again."
                    ),
                    code="conflict",
                    params={"thing": self.instance._meta.verbose_name},
                )
        return cleaned


class RefusalsAsMessages:
    """A service's refusal on save becomes a message on the same page.

    It is raised under the row lock after the form validated (a race, or a rule
    the form could not see). The admin's transaction rolled back: nothing saved.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.WorkflowError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class RefusalsKeepWhatWasTyped:
    """A service's refusal on save gives the person their page back as they sent
    it, every field as typed, with the reason on top.

    The admin's transaction rolled back: nothing was saved. The page is built
    again from the same POST with the refusal as the form's error, so it is
    shown exactly as a form error is and nothing is saved the second time.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.WorkflowError as exc:
            if request.method != "POST":
                raise
            request.refused_save = exc.message
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, "refused_save", None)
        if refusal is None:
            return form

        class Refused(form):
            def clean(self):
                super().clean()
                raise ValidationError(refusal, code="refused")

        return Refused


def apply_to_each(
    model_admin,
    request: HttpRequest,
    queryset,
    act: Callable[[Any], object],
    *,
    refused: str,
    done: Callable[[int], str],
) -> None:
    """Run a service on each selected row, in order: each refusal becomes its own
    message ("refused" with the row's pk and the reason), the successes one."""
    succeeded = 0
    for obj in queryset.order_by("pk"):
        try:
            act(obj)
        except services.WorkflowError as exc:
            model_admin.message_user(
                request, refused % {"pk": obj.pk, "why": exc.message}, messages.ERROR
            )
        else:
            succeeded += 1
    if succeeded:
        model_admin.message_user(request, done(succeeded), messages.SUCCESS)
