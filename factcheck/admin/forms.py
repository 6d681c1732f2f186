"""The claim page's forms: the claim, its correction, the draft, the bulk
action's note, whom to assign, a move's note and the publication time."""

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from factcheck.admin.common import VersionedForm, person_name
from factcheck.models import Claim, CorrectionKind, FactCheck, Status
from factcheck.roles import assignable_people


class ClaimForm(VersionedForm):
    class Meta:
        model = Claim
        fields = [
            "text",
            "language",
            "claimant",
            "claimed_on",
            "tags",
            "priority",
            "submitted_context",
        ]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
            "submitted_context": forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        }


class ClaimCorrectionForm(ClaimForm):
    """A published claim, or where it appeared, changes only with a public note."""

    correction_kind = forms.ChoiceField(
        label=_("Kind of note"),
        choices=[
            c for c in CorrectionKind.choices if c[0] != CorrectionKind.RETRACTION
        ],
        initial=CorrectionKind.CORRECTION,
    )
    correction_note = forms.CharField(
        label=_("Public correction note"),
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        required=False,
        help_text=_(
            "Shown, dated, on the public page. Required to change the claim or "
            "where it appeared."
        ),
    )


def _attributes(attrs: dict) -> str:
    """A tag's attributes as django/forms/widgets/attrs.html writes them."""
    return format_html_join(
        "",
        " {}{}",
        (
            (name, "" if value is True else format_html('="{}"', str(value)))
            for name, value in attrs.items()
            if value is not False
        ),
    )


def _options(options: list[dict]) -> str:
    return format_html_join(
        "",
        '\n  <option value="{}"{}>{}</option>\n',
        (
            (str(option["value"]), _attributes(option["attrs"]), option["label"])
            for option in options
        ),
    )


class QuickSelect(forms.Select):
    """Django's <select>, the same markup, written in Python.

    Django's templates render each option through two includes; the queue's
    action bar has two lists (the actions and the people to assign), and their
    options took a tenth of the queue's time.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = format_html_join(
            "",
            "{}",
            (
                (
                    format_html(
                        '\n  <optgroup label="{}">{}\n  </optgroup>',
                        group_name,
                        _options(options),
                    )
                    if group_name
                    else _options(options),
                )
                for group_name, options, _index in widget["optgroups"]
            ),
        )
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            widget["name"],
            _attributes(widget["attrs"]),
            groups,
        )


class ListedChoices(forms.models.ModelChoiceIterator):
    """Reads the few choices in one plain query: Django's iterator() opens a
    server-side cursor for them, three round trips where one does."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class PersonChoiceField(forms.ModelChoiceField):
    iterator = ListedChoices
    widget = QuickSelect

    def label_from_instance(self, obj) -> str:
        return person_name(obj)


class AssignForm(forms.Form):
    """Whom to give a claim to: anyone who may research (services.assign() is
    the rule; this is the list to choose from)."""

    assignee = PersonChoiceField(
        label=_("Assign to"),
        queryset=assignable_people(),
        required=False,
        empty_label=_("— nobody —"),
    )


class ActionForm(admin.helpers.ActionForm):
    action = forms.ChoiceField(label=_("Action:"), widget=QuickSelect)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        help_text=_("Kept in each claim's history."),
    )
    assignee = AssignForm.base_fields["assignee"]


class ConfirmForm(forms.Form):
    """The note a move asks for on its page of its own (dismiss, send back,
    retract), with the version the person saw."""

    note = forms.CharField(
        label=_("Why"),
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
        help_text=_("Required; kept in the claim's history."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, to: str, **kwargs):
        super().__init__(*args, **kwargs)
        if to == Status.RETRACTED:
            self.fields["note"].label = _("Public note")
            self.fields["note"].help_text = _(
                "Required. Readers see it at the fact-check's address and in the "
                "corrections log, with the claim and the date; the verdict is "
                "withdrawn."
            )


class FactCheckForm(VersionedForm):
    class Meta:
        model = FactCheck
        fields = ["headline", "slug", "rating", "summary", "body"]
        widgets = {
            "headline": forms.TextInput(attrs={"dir": "auto", "size": 80}),
            "summary": forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
            "body": forms.Textarea(attrs={"rows": 12, "dir": "auto"}),
        }


class ScheduleForm(forms.Form):
    """When an approved fact-check goes out, or that it no longer waits for a time."""

    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        ),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
    # Which button was pressed; a form sent with Enter schedules.
    do = forms.ChoiceField(
        choices=[("schedule", _("Schedule")), ("cancel", _("Cancel"))],
        required=False,
    )

    def __init__(self, *args, claim: Claim, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "version": claim.version,
                "publish_at": getattr(claim, "scheduled_for", None),
            },
        )
        super().__init__(*args, **kwargs)
        # A naive datetime-local value is read in the current time zone, which is
        # the newsroom's (settings.TIME_ZONE, from NEWSROOM_TIME_ZONE): nothing
        # activates another one. Its name is shown beside the field.
        self.zone = timezone.get_current_timezone_name()
        self.fields["publish_at"].help_text = _(
            "Date and time in the site's time zone, %(zone)s. The fact-check is "
            "published then, in your name, if it is still approved."
        ) % {"zone": timezone.get_current_timezone_name()}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("do") == "cancel":
            cleaned["publish_at"] = None
            return cleaned
        when = cleaned.get("publish_at")
        if "publish_at" in self.errors:
            return cleaned
        if when is None:
            self.add_error("publish_at", _("Choose the date and time to publish."))
        elif when <= timezone.now():
            self.add_error(
                "publish_at",
                _("Choose a time in the future; to publish now, use Publish."),
            )
        return cleaned
