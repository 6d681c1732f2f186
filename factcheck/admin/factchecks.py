"""Published fact-checks and their public corrections."""

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from factcheck import services
from factcheck.admin.common import RefusalsAsMessages, VersionedForm, status_badge
from factcheck.admin.forms import FactCheckForm
from factcheck.admin.preview import factcheck_page_url
from factcheck.models import Correction, CorrectionKind, FactCheck, Status

# --- Published fact-checks and their corrections ------------------------------------


class CorrectionInline(admin.TabularInline):
    model = Correction
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "note", "created_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


FACTCHECK_TEXT_FIELDS = ("headline", "rating", "summary", "body")


class CorrectionForm(VersionedForm):
    """Editing a published verdict is issuing a correction: the note is required."""

    correction_kind = forms.ChoiceField(
        label=_("Kind of note"),
        choices=[
            c for c in CorrectionKind.choices if c[0] != CorrectionKind.RETRACTION
        ],
        required=False,
    )
    correction_note = forms.CharField(
        label=_("Public correction note"),
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        required=False,
        help_text=_("Shown, dated, on the public page. Required for any change."),
    )

    class Meta:
        model = FactCheck
        fields = FACTCHECK_TEXT_FIELDS
        widgets = FactCheckForm.Meta.widgets

    def clean(self):
        cleaned = super().clean()
        changed = [f for f in self.changed_data if f in FACTCHECK_TEXT_FIELDS]
        if changed and not (cleaned.get("correction_note") or "").strip():
            self.add_error(
                "correction_note",
                _("A published fact-check changes only with a public correction note."),
            )
        if changed and not cleaned.get("correction_kind"):
            self.add_error("correction_kind", _("Choose the kind of note."))
        return cleaned


@admin.register(FactCheck)
class FactCheckAdmin(RefusalsAsMessages, admin.ModelAdmin):
    list_display = ["headline", "rating", "language", "claim_status", "published_at"]
    list_filter = ["language", "rating", "claim__status"]
    search_fields = ["headline"]
    list_select_related = ["rating", "claim"]
    inlines = [CorrectionInline]
    readonly_fields = ["claim_link", "published_at", "retracted_at", "approved_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("claim", "rating")

    def view_on_site(self, factcheck: FactCheck) -> str | None:
        # A draft's public address is a 404 until it is published: its preview
        # stands in for it.
        return factcheck_page_url(factcheck)

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return queryset.search(search_term.strip()), False

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and obj.published_at is not None:
            kwargs["form"] = CorrectionForm
        else:
            kwargs["form"] = FactCheckForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        fields = [
            "claim_link",
            "headline",
            "rating",
            "summary",
            "body",
            "loaded_version",
        ]
        if obj is not None and obj.published_at is not None:
            fields += ["correction_kind", "correction_note"]
        return [*fields, "approved_by", "published_at", "retracted_at"]

    def has_add_permission(self, request):
        return False  # a draft starts with research on its claim

    def has_delete_permission(self, request, obj=None):
        return False  # published fact-checks are retracted, never deleted

    def has_change_permission(self, request, obj=None):
        if obj is None or not super().has_change_permission(request, obj):
            return super().has_change_permission(request, obj)
        if obj.claim.status == Status.PUBLISHED:
            return request.user.has_perm("factcheck.correct_factcheck")
        return obj.claim.status in services.DRAFT_STATUSES

    @admin.display(description=_("Claim"))
    def claim_link(self, fc: FactCheck) -> str:
        url = reverse("admin:factcheck_claim_change", args=[fc.claim_id])
        return format_html('<a href="{}" dir="auto">{}</a>', url, str(fc.claim))

    @admin.display(description=_("Status"))
    def claim_status(self, fc: FactCheck) -> str:
        return status_badge(fc.claim)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        changed = [f for f in form.changed_data if f in FACTCHECK_TEXT_FIELDS]
        if not changed:
            return
        values = {f: data[f] for f in changed}
        if obj.published_at is not None:
            services.correct(
                obj,
                actor=request.user,
                kind=data["correction_kind"],
                note=data["correction_note"],
                expected_version=data["loaded_version"],
                **values,
            )
        else:
            services.save_draft(
                obj,
                actor=request.user,
                expected_version=data["loaded_version"],
                changes=values,
            )
