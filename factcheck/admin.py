"""The desk's working tool: the claim queue and everything an editor touches.

Every save and every button here calls `factcheck.services`; nothing in this module
decides an editorial rule on its own. It decides only what to show to whom.
"""

import ipaddress
import json
from urllib.parse import urlsplit

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import CharField, Exists, F, OuterRef, Value
from django.db.models.functions import Coalesce, Concat, NullIf, Substr, Trim
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from factcheck import fetching, services, webhooks
from factcheck.fields import validate_http_url
from factcheck.models import (
    NOTE_REQUIRED,
    OPEN_STATUSES,
    RESEARCH,
    TRANSITIONS,
    TRIAGE,
    ApiToken,
    Appearance,
    ArchiveJob,
    Article,
    Claim,
    Claimant,
    Correction,
    CorrectionKind,
    Delivery,
    DeliveryAttempt,
    Event,
    FactCheck,
    JobState,
    LinkStatus,
    Outlet,
    Rating,
    Source,
    SourceArchive,
    Status,
    Subscriber,
    Tag,
    WebhookEvent,
)

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


class AdminMedia:
    css = {"all": ["factcheck/admin.css"]}


def status_badge(claim: Claim) -> str:
    return format_html(
        '<span class="status-badge status-{}">{}</span>',
        claim.status,
        claim.get_status_display(),
    )


# Text on a colour, as the status badges; each passes 4.5:1 with white. Inline
# until admin.css has link-* and job-* classes (the CSP allows inline styles).
LINK_STATUS_COLOURS = {
    LinkStatus.PENDING: "#475569",
    LinkStatus.ARCHIVED: "#15803d",
    LinkStatus.CHANGED: "#a16207",
    LinkStatus.GONE: "#b91c1c",
    LinkStatus.FAILED: "#b91c1c",
}
JOB_STATE_COLOURS = {
    JobState.PENDING: "#475569",
    JobState.RUNNING: "#1d4ed8",
    JobState.DONE: "#15803d",
    JobState.FAILED: "#b91c1c",
}


def _badge(kind: str, value: str, label: str, colour: str) -> str:
    return format_html(
        '<span class="status-badge {}-{}" style="background:{}">{}</span>',
        kind,
        value,
        colour,
        label,
    )


def link_badge(source: Source) -> str:
    return _badge(
        "link",
        source.link_status,
        source.get_link_status_display(),
        LINK_STATUS_COLOURS[source.link_status],
    )


def job_badge(job: ArchiveJob | Delivery) -> str:
    return _badge(
        "job", job.state, job.get_state_display(), JOB_STATE_COLOURS[job.state]
    )


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
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

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


# --- Queue filters -------------------------------------------------------------------


class AssigneeFilter(admin.SimpleListFilter):
    title = _("assignee")
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("me", _("Assigned to me")), ("none", _("Unassigned"))]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(assignee=request.user)
        if self.value() == "none":
            return queryset.filter(assignee__isnull=True)
        return queryset


class OpenFilter(admin.SimpleListFilter):
    title = _("open or closed")
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("yes", _("Open work")), ("no", _("Closed"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.open()
        if self.value() == "no":
            return queryset.exclude(status__in=OPEN_STATUSES)
        return queryset


class OutletFilter(admin.SimpleListFilter):
    title = _("outlet")
    parameter_name = "outlet"

    def lookups(self, request, model_admin):
        return [(str(o.pk), o.name) for o in Outlet.objects.only("pk", "name")]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        # EXISTS, not a join: a claim seen twice in one outlet is listed once.
        seen_there = Appearance.objects.filter(
            claim=OuterRef("pk"), article__outlet_id=self.value()
        )
        return queryset.filter(Exists(seen_there))


class TagFilter(admin.SimpleListFilter):
    title = _("tag")
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        return [(t.slug, t.name) for t in Tag.objects.only("slug", "name")]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        tagged = Claim.tags.through.objects.filter(
            claim_id=OuterRef("pk"), tag__slug=self.value()
        )
        return queryset.filter(Exists(tagged))


# --- The claim page ------------------------------------------------------------------


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
        widgets = {"text": forms.Textarea(attrs={"rows": 3, "dir": "auto"})}


class ActionForm(admin.helpers.ActionForm):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        help_text=_("Required to dismiss; kept in each claim's history."),
    )


class AppearanceInline(admin.TabularInline):
    model = Appearance
    extra = 0
    autocomplete_fields = ["article"]
    fields = ["article", "quote", "is_first"]
    verbose_name_plural = _("Where it appeared")


class SourceInline(admin.StackedInline):
    model = Source
    extra = 0
    fields = [("url", "kind", "stance"), ("title", "publisher"), "excerpt", "link"]
    readonly_fields = ["link"]
    verbose_name_plural = _("Sources")

    @admin.display(description=_("Link status"))
    def link(self, source: Source) -> str:
        # Broken evidence shows where the fact-checker works, not only in a report.
        if source.pk is None:
            return _("Archived after saving.")
        since = (
            format_html(" {} {}", _("since"), local_time(source.link_status_since))
            if source.link_status_since
            else ""
        )
        return format_html(
            '{}{} · <a href="{}">{}</a>',
            link_badge(source),
            since,
            reverse("admin:factcheck_source_change", args=[source.pk]),
            _("Archives"),
        )

    def _draft(self, obj) -> bool:
        return obj is None or obj.status in services.DRAFT_STATUSES

    def has_add_permission(self, request, obj=None):
        return self._draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._draft(obj) and super().has_delete_permission(request, obj)


class FactCheckForm(VersionedForm):
    class Meta:
        model = FactCheck
        fields = ["headline", "slug", "rating", "summary", "body"]
        widgets = {
            "headline": forms.TextInput(attrs={"dir": "auto", "size": 80}),
            "summary": forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
            "body": forms.Textarea(attrs={"rows": 12, "dir": "auto"}),
        }


class FactCheckInline(admin.StackedInline):
    model = FactCheck
    form = FactCheckForm
    extra = 0
    max_num = 1
    can_delete = False
    fields = ["headline", "slug", "rating", "summary", "body", "loaded_version"]
    readonly_fields = ["authors_list", "approval", "publication"]
    verbose_name = _("Fact-check draft")
    verbose_name_plural = _("Fact-check draft")

    def get_fields(self, request, obj=None):
        return [*self.fields, *self.readonly_fields]

    def has_add_permission(self, request, obj=None):
        return False  # the draft is created when research starts

    def has_change_permission(self, request, obj=None):
        editable = obj is None or obj.status in services.DRAFT_STATUSES
        return editable and super().has_change_permission(request, obj)

    @admin.display(description=_("Authors"))
    def authors_list(self, fc: FactCheck) -> str:
        return ", ".join(str(a) for a in fc.authors.all()) or "—"

    @admin.display(description=_("Approval"))
    def approval(self, fc: FactCheck) -> str:
        if not fc.approved_by_id:
            return "—"
        return f"{fc.approved_by} · {fc.approved_at:%Y-%m-%d %H:%M}"

    @admin.display(description=_("Publication"))
    def publication(self, fc: FactCheck) -> str:
        if fc.published_at is None:
            return _("Not published")
        url = reverse("admin:factcheck_factcheck_change", args=[fc.pk])
        return format_html(
            '{} · <a href="{}">{}</a>',
            f"{fc.published_at:%Y-%m-%d %H:%M}",
            url,
            _("Corrections"),
        )


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    can_delete = False
    fields = ["created_at", "actor", "kind", "from_status", "to_status", "note"]
    readonly_fields = fields
    verbose_name_plural = _("History")
    ordering = ["-created_at", "-pk"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(Claim)
class ClaimAdmin(RefusalsAsMessages, admin.ModelAdmin):
    form = ClaimForm
    action_form = ActionForm
    list_display = [
        "claim_text",
        "claimant",
        "language",
        "status_label",
        "assignee",
        "priority",
        "age",
        "sources",
    ]
    list_display_links = ["claim_text"]
    list_filter = [
        OpenFilter,
        "status",
        AssigneeFilter,
        "language",
        TagFilter,
        OutletFilter,
        "priority",
    ]
    list_per_page = 50
    # One COUNT per page is enough; the "N total" link would cost a second one.
    show_full_result_count = False
    search_fields = ["text"]  # replaced by full-text search below
    search_help_text = _("Full-text search, Arabic and English; or a claim number.")
    autocomplete_fields = ["claimant"]
    filter_horizontal = ["tags"]
    inlines = [AppearanceInline, SourceInline, FactCheckInline, EventInline]
    actions = [
        "assign_to_me",
        "accept",
        "dismiss",
        "start_research",
        "send_for_review",
        "approve",
        "publish",
    ]
    readonly_fields = ["status_label", "assignee", "created_at", "similar_claims"]
    change_form_template = "admin/factcheck/claim/change_form.html"
    Media = AdminMedia

    def get_queryset(self, request):
        scheduler = "factcheck__publish_scheduled_by__"
        full_name = Trim(
            Concat(
                F(scheduler + "first_name"),
                Value(" "),
                F(scheduler + "last_name"),
                output_field=CharField(),
            )
        )
        return Claim.objects.queue().annotate(
            scheduled_for=F("factcheck__publish_at"),
            scheduled_by=Coalesce(NullIf(full_name, Value("")), scheduler + "username"),
        )

    def get_ordering(self, request):
        return ["is_closed", "-priority", "created_at", "pk"]

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        if term.isdigit():
            return queryset.filter(pk=int(term)), False
        return queryset.search(term), False

    def get_fieldsets(self, request, obj=None):
        claim = [
            "text",
            ("language", "claimed_on"),
            "claimant",
            "tags",
            "submitted_context",
        ]
        work = [
            ("status_label", "priority", "assignee"),
            "created_at",
            "loaded_version",
        ]
        fieldsets = [(None, {"fields": claim}), (_("Work"), {"fields": work})]
        if obj is not None:
            fieldsets.append(
                (_("Similar earlier claims"), {"fields": ["similar_claims"]})
            )
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = list(self.readonly_fields)
        if not request.user.has_perm(TRIAGE):
            readonly.append("priority")
        if obj is not None and obj.status in (Status.PUBLISHED, Status.RETRACTED):
            # The claim as published is public record; it changes by correction.
            readonly += ["text", "language", "claimant", "claimed_on"]
        return readonly

    def has_delete_permission(self, request, obj=None):
        return False  # claims are dismissed, never deleted: the history stays

    # Permission hooks used by @admin.action(permissions=[...]).
    def has_triage_permission(self, request) -> bool:
        return request.user.has_perm(TRIAGE)

    def has_research_permission(self, request) -> bool:
        return request.user.has_perm("factcheck.research_claim")

    def has_approve_permission(self, request) -> bool:
        return request.user.has_perm("factcheck.approve_factcheck")

    def has_publish_permission(self, request) -> bool:
        return request.user.has_perm("factcheck.publish_factcheck")

    # --- Columns

    @admin.display(description=_("Claim"), ordering="text")
    def claim_text(self, claim: Claim) -> str:
        return format_html(
            '<span lang="{}" dir="{}" class="claim-text">{}</span>',
            claim.language,
            "rtl" if claim.language == "ar" else "ltr",
            str(claim),
        )

    @admin.display(description=_("Status"), ordering="status")
    def status_label(self, claim: Claim) -> str:
        note = schedule_note(claim)
        if not note:
            return status_badge(claim)
        return format_html(
            '{} <small class="schedule-note">{}</small>', status_badge(claim), note
        )

    @admin.display(description=_("Age"), ordering="created_at")
    def age(self, claim: Claim) -> str:
        return timesince(claim.created_at, timezone.now(), depth=1)

    @admin.display(description=_("Sources"), ordering="source_count")
    def sources(self, claim: Claim) -> int:
        return claim.source_count

    @admin.display(description=_("Similar earlier claims"))
    def similar_claims(self, claim: Claim) -> str:
        rows = format_html_join(
            "",
            '<li><a href="{}" dir="auto">{}</a> {}</li>',
            (
                (
                    reverse("admin:factcheck_claim_change", args=[other.pk]),
                    str(other),
                    status_badge(other),
                )
                for other in Claim.objects.similar_to(claim)
            ),
        )
        if not rows:
            return _("None found.")
        return format_html("<ul class='similar'>{}</ul>", rows)

    # --- Saving through the services

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            fields = {f: data[f] for f in ("claimant", "claimed_on") if f in data}
            if request.user.has_perm(TRIAGE) and "priority" in data:
                fields["priority"] = data["priority"]
            created = services.submit_claim(
                text=data["text"],
                language=data["language"],
                actor=request.user,
                context=data.get("submitted_context", ""),
                **fields,
            )
            obj.pk, obj.version = created.pk, created.version
            obj._state.adding = False
            return
        changes = {
            f: data[f] for f in form.changed_data if f not in ("tags", "loaded_version")
        }
        if not changes and "tags" not in form.changed_data:
            return  # saving only the inlines: the claim itself is untouched
        services.update_claim(
            obj,
            actor=request.user,
            expected_version=data["loaded_version"],
            changes=changes,
            tags=data["tags"] if "tags" in form.changed_data else None,
        )

    def save_related(self, request, form, formsets, change):
        if not change and "tags" in form.cleaned_data:
            form.instance.tags.set(form.cleaned_data["tags"])
        for formset in formsets:
            self.save_formset(request, form, formset, change)

    def save_formset(self, request, form, formset, change):
        claim = form.instance
        formset.save(commit=False)
        actor = request.user
        if formset.model is Source:
            for source in formset.deleted_objects:
                services.remove_source(source, actor=actor)
            for source, fields in formset.changed_objects:
                values = {f: getattr(source, f) for f in fields}
                services.update_source(source, actor=actor, **values)
            for source in formset.new_objects:
                services.add_source(
                    claim, actor=actor, **_values(source, SOURCE_FIELDS)
                )
        elif formset.model is Appearance:
            for appearance in formset.deleted_objects:
                services.remove_appearance(appearance, actor=actor)
            for appearance in [
                *formset.new_objects,
                *(o for o, _ in formset.changed_objects),
            ]:
                services.add_appearance(
                    claim,
                    actor=actor,
                    article=appearance.article,
                    quote=appearance.quote,
                    is_first=appearance.is_first,
                )
        elif formset.model is FactCheck:
            for inline_form in formset.forms:
                if inline_form.has_changed() and inline_form.instance.pk:
                    changed = [
                        f for f in inline_form.changed_data if f != "loaded_version"
                    ]
                    services.save_draft(
                        inline_form.instance,
                        actor=actor,
                        expected_version=inline_form.cleaned_data["loaded_version"],
                        changes={f: inline_form.cleaned_data[f] for f in changed},
                    )

    def render_change_form(self, request, context, add=False, change=False, **kwargs):
        claim = context.get("original")
        if claim is not None:
            context["transition_buttons"] = [
                {
                    "to": to,
                    "label": TRANSITION_VERBS[to],
                    "needs_note": (claim.status, to) in NOTE_REQUIRED,
                }
                for to in services.allowed_transitions(claim, request.user)
            ]
            context["transition_url"] = reverse(
                "admin:factcheck_claim_transition", args=[claim.pk]
            )
            context["can_take"] = claim.is_open and claim.assignee_id != request.user.pk
            context["schedule_note"] = schedule_note(claim)
            if claim.status == Status.APPROVED and self.has_publish_permission(request):
                context["schedule_form"] = ScheduleForm(claim=claim)
                context["schedule_url"] = reverse(
                    "admin:factcheck_claim_schedule", args=[claim.pk]
                )
        return super().render_change_form(request, context, add, change, **kwargs)

    # --- Workflow buttons on the claim page

    def get_urls(self):
        transition = self.admin_site.admin_view(self.transition_view)
        schedule = self.admin_site.admin_view(self.schedule_view)
        return [
            path("<int:pk>/transition/", transition, name="factcheck_claim_transition"),
            path("<int:pk>/schedule/", schedule, name="factcheck_claim_schedule"),
            *super().get_urls(),
        ]

    def transition_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return _transition_view(self, request, pk)

    def schedule_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return _schedule_view(self, request, pk)

    # --- Actions on the queue

    def _apply(self, request, queryset, to: str) -> None:
        note = request.POST.get("note", "")
        done, refused = services.transition_many(
            queryset.order_by("pk"), to=to, actor=request.user, note=note
        )
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(n)d claim moved to “%(to)s”.",
                    "%(n)d claims moved to “%(to)s”.",
                    len(done),
                )
                % {"n": len(done), "to": Status(to).label},
                messages.SUCCESS,
            )
        for refusal in refused:
            self.message_user(
                request,
                _("Claim %(pk)d not moved: %(why)s")
                % {"pk": refusal.claim.pk, "why": refusal.reason},
                messages.ERROR,
            )

    @admin.action(description=_("Assign to me"), permissions=["research"])
    def assign_to_me(self, request, queryset):
        taken = 0
        for claim in queryset.order_by("pk"):
            try:
                services.assign(claim, actor=request.user, assignee=request.user)
                taken += 1
            except services.WorkflowError as exc:
                self.message_user(
                    request,
                    _("Claim %(pk)d not assigned: %(why)s")
                    % {"pk": claim.pk, "why": exc.message},
                    messages.ERROR,
                )
        if taken:
            self.message_user(
                request,
                ngettext(
                    "%(n)d claim assigned to you.",
                    "%(n)d claims assigned to you.",
                    taken,
                )
                % {"n": taken},
                messages.SUCCESS,
            )

    @admin.action(description=_("Accept"), permissions=["triage"])
    def accept(self, request, queryset):
        self._apply(request, queryset, Status.ACCEPTED)

    @admin.action(description=_("Dismiss (note required)"), permissions=["triage"])
    def dismiss(self, request, queryset):
        self._apply(request, queryset, Status.DISMISSED)

    @admin.action(description=_("Start research"), permissions=["research"])
    def start_research(self, request, queryset):
        self._apply(request, queryset, Status.IN_RESEARCH)

    @admin.action(description=_("Send for review"), permissions=["research"])
    def send_for_review(self, request, queryset):
        self._apply(request, queryset, Status.IN_REVIEW)

    @admin.action(description=_("Approve"), permissions=["approve"])
    def approve(self, request, queryset):
        self._apply(request, queryset, Status.APPROVED)

    @admin.action(description=_("Publish"), permissions=["publish"])
    def publish(self, request, queryset):
        self._apply(request, queryset, Status.PUBLISHED)


SOURCE_FIELDS = ("url", "title", "publisher", "kind", "excerpt", "stance")


def _values(obj, fields) -> dict:
    return {f: getattr(obj, f) for f in fields}


def _transition_view(model_admin: ClaimAdmin, request: HttpRequest, pk: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    claim = get_object_or_404(Claim, pk=pk)
    if not model_admin.has_view_or_change_permission(request, claim):
        raise PermissionDenied
    to = request.POST.get("to", "")
    back = reverse("admin:factcheck_claim_change", args=[pk])
    if to == "take":
        try:
            services.assign(claim, actor=request.user, assignee=request.user)
            model_admin.message_user(
                request, _("The claim is yours."), messages.SUCCESS
            )
        except services.WorkflowError as exc:
            model_admin.message_user(request, exc.message, messages.ERROR)
        return HttpResponseRedirect(back)
    if to not in TRANSITIONS:
        model_admin.message_user(request, _("Unknown status."), messages.ERROR)
        return HttpResponseRedirect(back)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        services.transition(
            claim,
            to=to,
            actor=request.user,
            note=request.POST.get("note", ""),
            expected_version=version,
        )
    except services.WorkflowError as exc:
        model_admin.message_user(request, exc.message, messages.ERROR)
    else:
        model_admin.message_user(
            request,
            _("The claim is now “%(status)s”.") % {"status": Status(to).label},
            messages.SUCCESS,
        )
    return HttpResponseRedirect(back)


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
        # the site's (settings.TIME_ZONE): nothing activates another one.
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


def _schedule_view(
    model_admin: ClaimAdmin, request: HttpRequest, pk: int
) -> HttpResponse:
    claim = get_object_or_404(model_admin.get_queryset(request), pk=pk)
    if not model_admin.has_publish_permission(request):
        raise PermissionDenied
    back = reverse("admin:factcheck_claim_change", args=[pk])
    if request.method != "POST":
        form = ScheduleForm(claim=claim)
    else:
        form = ScheduleForm(request.POST, claim=claim)
        if form.is_valid():
            when = form.cleaned_data["publish_at"]
            try:
                services.schedule_publication(
                    claim,
                    actor=request.user,
                    publish_at=when,
                    expected_version=form.cleaned_data["version"],
                )
            except services.WorkflowError as exc:
                model_admin.message_user(request, exc.message, messages.ERROR)
            else:
                done = (
                    _("Publication scheduled for %(when)s.")
                    % {"when": local_time(when)}
                    if when
                    else _("Scheduled publication cancelled.")
                )
                model_admin.message_user(request, done, messages.SUCCESS)
            return HttpResponseRedirect(back)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Schedule publication"),
        "opts": Claim._meta,
        "original": claim,
        "form": form,
        "schedule_note": schedule_note(claim),
        "back_url": back,
    }
    return TemplateResponse(request, "admin/factcheck/claim/schedule.html", context)


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

    def view_on_site(self, fc: FactCheck) -> str | None:
        # Only a published fact-check has a public page; a draft's would be a 404.
        if fc.published_at is None or fc.claim.status != Status.PUBLISHED:
            return None
        return fc.get_absolute_url()

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


class ReferenceAdmin(admin.ModelAdmin):
    """Data that published pages show: saving it refreshes the public cache."""

    def save_model(self, request, obj, form, change):
        services.save_reference(obj, actor=request.user)

    def delete_model(self, request, obj):
        services.delete_reference(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.delete_reference(obj, actor=request.user)


# --- Reference data ------------------------------------------------------------------


@admin.register(Outlet)
class OutletAdmin(ReferenceAdmin):
    list_display = ["name", "domain", "language"]
    search_fields = ["name", "domain"]


@admin.register(Article)
class ArticleAdmin(ReferenceAdmin):
    list_display = ["title", "outlet", "language", "published_on"]
    list_filter = ["language", "outlet"]
    list_select_related = ["outlet"]
    search_fields = ["title", "url"]
    autocomplete_fields = ["outlet"]


@admin.register(Claimant)
class ClaimantAdmin(ReferenceAdmin):
    list_display = ["name", "kind", "role", "same_as"]
    list_filter = ["kind"]
    search_fields = ["name", "role"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(ReferenceAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Rating)
class RatingAdmin(ReferenceAdmin):
    list_display = ["value", "label_en", "label_ar", "swatch"]
    ordering = ["value"]
    Media = AdminMedia

    @admin.display(description=_("Badge"))
    def swatch(self, rating: Rating) -> str:
        return format_html(
            '<span class="rating-badge" style="background:{}">{} · {}</span>',
            rating.colour,
            rating.label_en,
            rating.label_ar,
        )

    def has_delete_permission(self, request, obj=None):
        # A rating used by a fact-check is part of the published record.
        if obj is not None and obj.factchecks.exists():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "claim", "actor", "kind", "from_status", "to_status"]
    list_filter = ["kind", "to_status"]
    list_select_related = ["claim", "actor"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- API keys -------------------------------------------------------------------


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["user", "name"]


@admin.register(ApiToken)
class ApiTokenAdmin(RefusalsAsMessages, admin.ModelAdmin):
    """Administrators issue a key for a user and see it once; they revoke it here."""

    form = ApiTokenForm
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "state"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["name", "user__username", "prefix"]
    autocomplete_fields = ["user"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "name"]
        return ["user", "name", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        # A key is never edited: a different purpose gets a different key.
        return [*self.readonly_fields, "user", "name"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False  # revoked keys stay listed, for the record of who had access

    @admin.display(description=_("State"))
    def state(self, token: ApiToken) -> str:
        return _("revoked") if token.revoked_at else _("active")

    def save_model(self, request, obj, form, change):
        token, key = services.issue_token(
            form.cleaned_data["user"],
            actor=request.user,
            name=form.cleaned_data["name"],
        )
        obj.pk = token.pk
        self.message_user(
            request,
            format_html(
                "{} <code>{}</code> — {}",
                _("The new key is"),
                key,
                _("copy it now: it is not stored and will not be shown again."),
            ),
            messages.WARNING,
        )

    @admin.action(description=_("Revoke the selected keys"), permissions=["change"])
    def revoke(self, request, queryset):
        for token in queryset:
            services.revoke_token(token, actor=request.user)
        self.message_user(request, _("Revoked."), messages.SUCCESS)


# --- Background work: source archives -------------------------------------------

# The choice an editor wants on a Monday morning: every source to look at again.
NEEDS_ATTENTION = (LinkStatus.GONE, LinkStatus.FAILED, LinkStatus.CHANGED)
PREVIEW_CHARS = 300


class LinkStatusFilter(admin.SimpleListFilter):
    title = _("link status")
    parameter_name = "link"
    BROKEN_OR_CHANGED = "broken_or_changed"

    def lookups(self, request, model_admin):
        return [
            (self.BROKEN_OR_CHANGED, _("Broken or changed (any of the three below)")),
            *((s, LinkStatus(s).label) for s in NEEDS_ATTENTION),
            (LinkStatus.ARCHIVED, LinkStatus.ARCHIVED.label),
            (LinkStatus.PENDING, LinkStatus.PENDING.label),
        ]

    def queryset(self, request, queryset):
        if self.value() == self.BROKEN_OR_CHANGED:
            return queryset.filter(link_status__in=NEEDS_ATTENTION)
        if self.value() in LinkStatus.values:
            return queryset.filter(link_status=self.value())
        return queryset


def external_link(url: str) -> str:
    if not url.startswith(("https://", "http://")):
        return url
    return format_html(
        '<a href="{}" rel="noopener noreferrer nofollow" target="_blank">{}</a>',
        url,
        Truncator(url).chars(80),
    )


class ReadOnlyInline(admin.TabularInline):
    """A record the workers wrote: shown as it is, never edited by hand."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SourceArchiveInline(ReadOnlyInline):
    model = SourceArchive
    fields = [
        "fetched_at",
        "final_link",
        "status_code",
        "content_type",
        "sha256",
        "text_preview",
    ]
    verbose_name_plural = _("Archives")

    def get_queryset(self, request):
        # A page's text may run to megabytes: read only what the preview shows.
        return (
            super()
            .get_queryset(request)
            .defer("text")
            .annotate(preview=Substr("text", 1, PREVIEW_CHARS + 1))
        )

    @admin.display(description=_("final link"))
    def final_link(self, archive: SourceArchive) -> str:
        return external_link(archive.final_url)

    @admin.display(description=_("text"))
    def text_preview(self, archive: SourceArchive) -> str:
        preview = Truncator(archive.preview).chars(PREVIEW_CHARS)
        return format_html('<span dir="auto">{}</span>', preview) if preview else "—"


class ArchiveJobInline(ReadOnlyInline):
    model = ArchiveJob
    fields = [
        "state_badge",
        "reason",
        "attempts",
        "error",
        "requested_by_name",
        "created_at",
        "started_at",
        "finished_at",
    ]
    verbose_name_plural = _("Archive jobs")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("requested_by")

    @admin.display(description=_("state"))
    def state_badge(self, job: ArchiveJob) -> str:
        return job_badge(job)

    @admin.display(description=_("asked for by"))
    def requested_by_name(self, job: ArchiveJob) -> str:
        return str(job.requested_by) if job.requested_by_id else "—"


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    """Every source and the state of its link, to find evidence that went away.

    Read-only: sources are added and edited on their claim's page, through the
    services. The one thing done here is asking for a fresh archive.
    """

    list_display = [
        "title",
        "claim_link",
        "url_link",
        "link_state",
        "link_status_since",
        "archived_at",
        "checked_at",
    ]
    list_display_links = ["title"]
    list_filter = [LinkStatusFilter]
    search_fields = ["title", "url"]
    search_help_text = _("Search by title or link.")
    show_full_result_count = False
    ordering = ["-pk"]
    actions = ["rearchive"]
    inlines = [SourceArchiveInline, ArchiveJobInline]
    fields = [
        "claim_link",
        "url_link",
        "title",
        "publisher",
        "kind",
        "stance",
        "excerpt",
        "link_state",
        "link_status_since",
        "archived_at",
        "checked_at",
        "added_by_name",
        "created_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("claim", "added_by")

    def _claim_column(self, request) -> str:
        # Administrators see sources but not the queue: no link to a page they
        # would be refused.
        return (
            "claim_link"
            if request.user.has_perm("factcheck.view_claim")
            else "claim_name"
        )

    def get_list_display(self, request):
        column = self._claim_column(request)
        return [column if f == "claim_link" else f for f in self.list_display]

    def get_fields(self, request, obj=None):
        column = self._claim_column(request)
        return [column if f == "claim_link" else f for f in self.fields]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def has_add_permission(self, request):
        return False  # a source is added on its claim's page

    def has_change_permission(self, request, obj=None):
        return False  # edited on its claim's page, where the draft rules apply

    def has_delete_permission(self, request, obj=None):
        return False

    def has_research_permission(self, request) -> bool:
        return request.user.has_perm(RESEARCH)

    @admin.display(description=_("claim"), ordering="claim")
    def claim_link(self, source: Source) -> str:
        url = reverse("admin:factcheck_claim_change", args=[source.claim_id])
        return format_html('<a href="{}" dir="auto">{}</a>', url, str(source.claim))

    @admin.display(description=_("claim"), ordering="claim")
    def claim_name(self, source: Source) -> str:
        return format_html('<span dir="auto">{}</span>', str(source.claim))

    @admin.display(description=_("added by"))
    def added_by_name(self, source: Source) -> str:
        # Plain text: the admin's own link would lead most roles to a refusal.
        return str(source.added_by) if source.added_by_id else "—"

    @admin.display(description=_("link"), ordering="url")
    def url_link(self, source: Source) -> str:
        return external_link(source.url)

    @admin.display(description=_("link status"), ordering="link_status")
    def link_state(self, source: Source) -> str:
        return link_badge(source)

    @admin.action(
        description=_("Re-archive the selected sources"), permissions=["research"]
    )
    def rearchive(self, request, queryset):
        asked = 0
        for source in queryset.order_by("pk"):
            try:
                services.rearchive(source, actor=request.user)
                asked += 1
            except services.WorkflowError as exc:
                self.message_user(
                    request,
                    _("Source %(pk)d not re-archived: %(why)s")
                    % {"pk": source.pk, "why": exc.message},
                    messages.ERROR,
                )
        if asked:
            self.message_user(
                request,
                ngettext(
                    "%(n)d source will be archived again shortly.",
                    "%(n)d sources will be archived again shortly.",
                    asked,
                )
                % {"n": asked},
                messages.SUCCESS,
            )


# --- Background work: webhooks --------------------------------------------------


def _is_public_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    # The rules of fetching._is_public, without its test-only loopback opening.
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return _is_public_address(address.ipv4_mapped)
        if int(address) < 2**32 or address.is_site_local:
            return False
    return address.is_global and not (address.is_reserved or address.is_multicast)


def address_refusal(url: str) -> str | None:
    """Why the desk will not post to this URL, or None.

    Scheme, credentials and syntax are the link field's own rules
    (validate_http_url); this adds the fetcher's: ports 80 and 443 only, and no
    address that is not on the public internet. A host name is resolved only
    when a delivery is sent, where the fetcher refuses a private answer too.
    """
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return _("The port is not a number.")
    if port is not None and port not in fetching.ALLOWED_PORTS:
        return _(
            "Only the standard ports are allowed (443 for https, 80 for http), "
            "not %(port)d."
        ) % {"port": port}
    host = (parts.hostname or "").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return _("“%(host)s” is this machine, not a partner's address.") % {
            "host": host
        }
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if not _is_public_address(address):
        return _(
            "“%(host)s” is not a public internet address (it is loopback, private, "
            "link-local or reserved); the desk only posts to public addresses."
        ) % {"host": host}
    return None


class SubscriberForm(forms.ModelForm):
    # The secret is not a field: it is generated, and nobody chooses it.
    events = forms.MultipleChoiceField(
        label=_("events"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Subscriber
        fields = ["name", "url", "events", "is_active"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        validate_http_url(url)
        refusal = address_refusal(url)
        if refusal:
            raise ValidationError(refusal, code="address")
        return url


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    """Partners told by webhook. Administrators manage them; editors may look."""

    form = SubscriberForm
    list_display = ["name", "url", "event_list", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "url"]
    show_full_result_count = False

    def get_fields(self, request, obj=None):
        if not self.has_change_permission(request, obj):
            fields = ["name", "url", "event_list", "is_active"]
        else:
            fields = ["name", "url", "events", "is_active"]
        if obj is None:
            return fields
        return [*fields, self._secret_field(request, obj), "created_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["event_list", self._secret_field(request, obj), "created_at"]

    def _secret_field(self, request, obj) -> str:
        # Editors may see who is told what; only who manages partners sees the key.
        if self.has_change_permission(request, obj):
            return "signing_secret"
        return "signing_secret_hidden"

    @admin.display(description=_("events"))
    def event_list(self, subscriber: Subscriber) -> str:
        labels = dict(WebhookEvent.choices)
        return ", ".join(str(labels.get(e, e)) for e in subscriber.events)

    @admin.display(description=_("signing secret"))
    def signing_secret(self, subscriber: Subscriber) -> str:
        return format_html(
            '<code class="secret">{}</code><div class="help">{} {}</div>',
            subscriber.secret,
            _(
                "Give it to the partner privately. Each delivery is a JSON POST "
                "with the headers %(ts)s (Unix seconds) and %(sig)s: "
                "sha256=<hex>, the HMAC-SHA256 of “<timestamp>.<body>” (the raw "
                "request body) keyed with this secret."
            )
            % {
                "ts": webhooks.TIMESTAMP_HEADER,
                "sig": webhooks.SIGNATURE_HEADER,
            },
            _(
                "The partner recomputes it, compares in constant time and refuses a "
                "timestamp more than five minutes old; %(id)s is the same on every "
                "retry of one delivery, to ignore duplicates."
            )
            % {"id": webhooks.DELIVERY_HEADER},
        )

    @admin.display(description=_("signing secret"))
    def signing_secret_hidden(self, subscriber: Subscriber) -> str:
        return _("Shown to administrators only.")

    def response_post_save_add(self, request, obj):
        self.message_user(
            request,
            _("Give the partner its signing secret, shown below."),
            messages.WARNING,
        )
        return HttpResponseRedirect(
            reverse("admin:factcheck_subscriber_change", args=[obj.pk])
        )


class DeliveryAttemptInline(ReadOnlyInline):
    model = DeliveryAttempt
    fields = ["number", "started_at", "duration_ms", "status_code", "error"]
    verbose_name_plural = _("Attempts")


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """What was sent to partners and how it went. Read-only; failed deliveries
    can be sent again."""

    list_display = [
        "created_at",
        "subscriber",
        "kind",
        "state_badge",
        "attempts",
        "delivered_at",
        "last_error",
    ]
    list_display_links = ["created_at"]
    list_filter = ["state", "kind", "subscriber"]
    show_full_result_count = False
    actions = ["send_again"]
    inlines = [DeliveryAttemptInline]
    fields = [
        "subscriber",
        "kind",
        "key",
        "state_badge",
        "attempts",
        "error",
        "created_at",
        "enqueued_at",
        "started_at",
        "finished_at",
        "delivered_at",
        "run_after",
        "payload_json",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        # Payloads are only read on a delivery's own page (one query more there).
        return (
            super().get_queryset(request).select_related("subscriber").defer("payload")
        )

    def has_add_permission(self, request):
        return False  # deliveries are recorded with the event they report

    def has_change_permission(self, request, obj=None):
        return False  # written by the workers; "Send again" is the only change

    def has_delete_permission(self, request, obj=None):
        return False  # the record of what partners were told

    def has_redeliver_permission(self, request) -> bool:
        return request.user.has_perm("factcheck.change_delivery")

    @admin.display(description=_("state"), ordering="state")
    def state_badge(self, delivery: Delivery) -> str:
        return job_badge(delivery)

    @admin.display(description=_("last error"))
    def last_error(self, delivery: Delivery) -> str:
        return Truncator(delivery.error).chars(80) or "—"

    @admin.display(description=_("payload"))
    def payload_json(self, delivery: Delivery) -> str:
        text = json.dumps(
            delivery.payload, indent=2, ensure_ascii=False, sort_keys=True
        )
        return format_html('<pre class="payload" dir="ltr">{}</pre>', text)

    @admin.action(description=_("Send again"), permissions=["redeliver"])
    def send_again(self, request, queryset):
        sent = 0
        for delivery in queryset.order_by("pk"):
            if delivery.state != JobState.FAILED:
                self.message_user(
                    request,
                    _(
                        "Delivery %(pk)d not sent again: only a failed delivery is "
                        "(this one is “%(state)s”)."
                    )
                    % {"pk": delivery.pk, "state": delivery.get_state_display()},
                    messages.WARNING,
                )
                continue
            try:
                services.redeliver(delivery, actor=request.user)
                sent += 1
            except services.WorkflowError as exc:
                self.message_user(
                    request,
                    _("Delivery %(pk)d not sent again: %(why)s")
                    % {"pk": delivery.pk, "why": exc.message},
                    messages.ERROR,
                )
        if sent:
            self.message_user(
                request,
                ngettext(
                    "%(n)d delivery will be sent again shortly.",
                    "%(n)d deliveries will be sent again shortly.",
                    sent,
                )
                % {"n": sent},
                messages.SUCCESS,
            )
