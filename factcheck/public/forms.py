"""The public submit-a-claim form.

A ModelForm only so that the Claim model's own validators (bidi controls, NFC,
lengths) judge the reader's input field by field; the claim itself is created by
`services.submit_claim`, never by `form.save()`.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from factcheck.models import Claim, Language

TEXT_MAX_LENGTH = 2000


class SubmitClaimForm(forms.ModelForm):
    text = forms.CharField(
        label=_("The claim"),
        help_text=_(
            "What was said or written, as close to the original words as you can."
        ),
        min_length=10,
        max_length=TEXT_MAX_LENGTH,
        # dir="auto": an Arabic claim typed on the English page still reads
        # right to left, and the other way round.
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
    )
    submitted_context = forms.CharField(
        label=_("Where did you see or hear it?"),
        help_text=_(
            "A link, or the name of the newspaper, channel, account or event, "
            "and roughly when."
        ),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )
    submitter_contact = forms.CharField(
        label=_("How can we reach you? (optional)"),
        help_text=_(
            "An e-mail address or phone number, if you would like to hear what we "
            "found. We never publish it."
        ),
        required=False,
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "email", "dir": "auto"}),
    )
    language = forms.ChoiceField(
        label=_("Language of the claim"),
        choices=Language.choices,
        widget=forms.RadioSelect,
    )
    # The honeypot: hidden from people (the template puts it in a `hidden` block),
    # but a form-filling robot fills in a field called "website". Anything in it
    # means the submission is thanked and dropped.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = Claim
        fields = ["text", "submitted_context", "submitter_contact", "language"]

    def __init__(self, *args, **kwargs):
        # Labels are questions or end in "(optional)": no colon after them.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    @property
    def is_from_robot(self) -> bool:
        return bool(self.cleaned_data.get("website"))
