"""The claim queue and the claim page: where editors and fact-checkers work."""

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import quote
from django.contrib.admin.views.main import ORDER_VAR, PAGE_VAR, SEARCH_VAR, ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import CharField, Exists, F, OuterRef, Value
from django.db.models.functions import Coalesce, Concat, NullIf, Trim
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
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.timesince import timesince
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from factcheck import services
from factcheck.admin.common import (
    FREE_TEXT,
    RefusalsKeepWhatWasTyped,
    apply_to_each,
    link_badge,
    listed,
    local_time,
    person_name,
    schedule_note,
    status_badge,
)
from factcheck.admin.forms import (
    ActionForm,
    ClaimCorrectionForm,
    ClaimForm,
    FactCheckForm,
    ScheduleForm,
)
from factcheck.admin.history import describe
from factcheck.admin.mywork import MY_WORK_LISTS
from factcheck.admin.preview import (
    factcheck_page_url,
    page_link,
    page_url,
    preview_url,
    preview_view,
)
from factcheck.admin.workflow import (
    AssignForm,
    MoveAfterSave,
    button_label,
    confirm_dismissal,
    confirm_move,
    is_author,
    make_move,
    needs_confirmation,
    pressed_move,
    whats_next,
)
from factcheck.bidi import direction
from factcheck.models import (
    CORRECT,
    OPEN_STATUSES,
    RESEARCH,
    TRANSITIONS,
    TRIAGE,
    Appearance,
    Claim,
    Event,
    FactCheck,
    Note,
    Outlet,
    Source,
    Status,
    Tag,
    with_tag,
)
from factcheck.models.workflow import closed_last
from factcheck.services import intake

# --- Queue filters -------------------------------------------------------------------


class QueueChangeList(ChangeList):
    """The queue; a search of it ranks best match first, as every other door's
    search does (Claim.objects.search), and the queue's own order breaks ties."""

    def get_queryset(self, request, exclude_parameters=None):
        # The search vector is for the database's index: a few hundred bytes a
        # row to send and decode that no column shows.
        return super().get_queryset(request, exclude_parameters).defer("search")

    # What the queue's columns show of a claim, its claimant and its assignee.
    SHOWN = [
        "text",
        "language",
        "status",
        "priority",
        "created_at",
        "claimant__name",
        "assignee__username",
    ]

    def get_results(self, request):
        # A page's rows load only what the columns show: not the request's
        # context, the reader's address or the assignee's password hash and
        # dates, fifty times. Actions select their claims afresh, whole.
        everything = self.queryset
        self.queryset = everything.only(*self.SHOWN)
        try:
            super().get_results(request)
        finally:
            self.queryset = everything

    @cached_property
    def change_address(self) -> tuple[str, str]:
        """The claim page's address around its number, looked up once a page."""
        address = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            args=[0],
            current_app=self.model_admin.admin_site.name,
        )
        before, _zero, after = address.rpartition("/0/")
        return f"{before}/", f"/{after}"

    def url_for_result(self, result) -> str:
        # Django's reverse() for each of the fifty rows; only the number changes.
        before, after = self.change_address
        return f"{before}{quote(result.pk)}{after}"

    def get_ordering(self, request, queryset):
        ordering = super().get_ordering(request, queryset)
        if "rank" in queryset.query.annotations and ORDER_VAR not in self.params:
            return ["-rank", *ordering]
        return ordering


class QueuePaginator(Paginator):
    """Counts the queue's rows only as far as the pages it links to.

    An exact count reads every open claim on every view of the queue (17,000 at
    default scale, 70,000 at large), the one query of the page whose cost grew
    with the newsroom. This one stops COUNT_AHEAD pages past the page shown, so it
    costs the same at any scale; the page says "more than" when it stopped
    (admin/factcheck/claim/pagination.html), and the last page link leads on.
    """

    COUNT_AHEAD = 20

    def __init__(self, object_list, per_page, *, page_number: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.limit = (max(page_number, 1) + self.COUNT_AHEAD) * per_page

    @cached_property
    def found(self) -> int:
        """Rows found, up to one past the limit: one more says there are more."""
        return self.object_list.order_by().values("pk")[: self.limit + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.found, self.limit)

    @property
    def counted_all(self) -> bool:
        return self.found <= self.limit


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


class MyWorkFilter(admin.SimpleListFilter):
    """The three lists of "My work" on the admin index (Claim.objects.work_counts)."""

    title = _("my work")
    parameter_name = "mywork"

    def lookups(self, request, model_admin):
        return [(key, label) for key, label in MY_WORK_LISTS]

    def queryset(self, request, queryset):
        chosen = {
            "assigned": queryset.assigned_to,
            "review": queryset.awaiting_review_by,
            "sent_back": queryset.sent_back_to,
        }.get(self.value())
        return chosen(request.user) if chosen else queryset


class OpenFilter(admin.SimpleListFilter):
    """The queue opens on open work; closed work is one click away. A search looks
    through everything, so a closed claim's number or words still find it."""

    title = _("open or closed")
    parameter_name = "open"

    def __init__(self, request, params, model, model_admin):
        self.searching = bool(request.GET.get(SEARCH_VAR, "").strip())
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return [("yes", _("Open work")), ("no", _("Closed")), ("all", _("All claims"))]

    def value(self):
        return super().value() or ("all" if self.searching else "yes")

    def choices(self, changelist):
        # No Django "All" entry: "all" is a choice of its own, "open" the default.
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string(
                    {self.parameter_name: lookup}
                ),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.open()
        if self.value() == "no":
            return queryset.exclude(status__in=OPEN_STATUSES)
        return queryset


class ManyChoices:
    """For a filter with a choice per row of a table that grows with the newsroom
    (topics, outlets): each choice's link is the other parameters, encoded once,
    around its own, the same text Django's get_query_string gives, which copies,
    sorts and encodes every parameter again for each choice."""

    template = "admin/factcheck/claim/many_choices_filter.html"

    def choices(self, changelist):
        if changelist.add_facets:
            yield from super().choices(changelist)
            return
        name = self.parameter_name
        others = sorted(
            (key, value)
            for key, value in changelist.filter_params.items()
            if not key.startswith(name)  # as get_query_string(remove=[name])
        )
        before = urlencode([item for item in others if item[0] < name], doseq=True)
        after = urlencode([item for item in others if item[0] > name], doseq=True)
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[name]),
            "display": _("All"),
        }
        for lookup, title in self.lookup_choices:
            own = urlencode([(name, lookup)], doseq=True)
            yield {
                "selected": self.value() == str(lookup),
                "query_string": "?" + "&".join(p for p in (before, own, after) if p),
                "display": title,
            }


class OutletFilter(ManyChoices, admin.SimpleListFilter):
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


class TagFilter(ManyChoices, admin.SimpleListFilter):
    title = _("tag")
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        return Tag.objects.names_in(get_language())

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        return with_tag(queryset, self.value(), claim="pk")


# --- The claim page ------------------------------------------------------------------


def may_correct(request, claim: Claim | None) -> bool:
    """On a published claim's page, an editor changes the record by correction."""
    return (
        claim is not None
        and claim.status == Status.PUBLISHED
        and request.user.has_perm(CORRECT)
    )


class AppearanceInline(admin.TabularInline):
    model = Appearance
    formfield_overrides = FREE_TEXT
    extra = 0
    autocomplete_fields = ["article"]
    fields = ["article", "quote", "is_first"]
    verbose_name_plural = _("Where it appeared")

    def _editable(self, request, obj) -> bool:
        # Frozen from approval; after publication only a correction changes it.
        draft = obj is None or obj.status in services.DRAFT_STATUSES
        return draft or may_correct(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_delete_permission(
            request, obj
        )


class SourceInline(admin.StackedInline):
    model = Source
    formfield_overrides = FREE_TEXT
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
        fields = [*self.fields, *self.readonly_fields]
        if not self.has_change_permission(request, obj):
            fields.remove("loaded_version")  # a draft only shown has no form
        return fields

    def view_on_site(self, factcheck: FactCheck) -> str | None:
        return factcheck_page_url(factcheck)

    def has_add_permission(self, request, obj=None):
        return False  # the draft is created when research starts

    def has_change_permission(self, request, obj=None):
        editable = obj is None or obj.status in services.DRAFT_STATUSES
        return editable and super().has_change_permission(request, obj)

    @admin.display(description=_("Authors"))
    def authors_list(self, fc: FactCheck) -> str:
        return listed(fc.authors.all()) or "—"

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
    fields = [
        "created_at",
        "actor",
        "kind",
        "from_status",
        "to_status",
        "change",
        "note",
    ]
    readonly_fields = fields
    verbose_name_plural = _("History")
    ordering = ["-created_at", "-pk"]
    template = "admin/factcheck/claim/history_inline.html"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    @admin.display(description=_("Change"))
    def change(self, event: Event) -> str:
        return describe(event)


@admin.register(Claim)
class ClaimAdmin(RefusalsKeepWhatWasTyped, admin.ModelAdmin):
    form = ClaimForm
    formfield_overrides = FREE_TEXT
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
        MyWorkFilter,
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
        "assign_to",
        "accept",
        "dismiss",
        "start_research",
        "send_for_review",
        "approve",
        "publish",
    ]
    readonly_fields = ["status_label", "assignee", "created_at", "similar_claims"]
    change_form_template = "admin/factcheck/claim/change_form.html"

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
        # The expression, not the queue's "is_closed" annotation: Django also
        # orders the claim choices of other pages (an event's) by this.
        return [closed_last().asc(), "-priority", "created_at", "pk"]

    def get_changelist(self, request, **kwargs):
        return QueueChangeList

    def get_paginator(self, request, queryset, per_page, **kwargs):
        try:
            page_number = int(request.GET.get(PAGE_VAR, 1))
        except ValueError:
            page_number = 1  # the changelist itself answers the bad parameter
        return QueuePaginator(queryset, per_page, page_number=page_number, **kwargs)

    def action_checkbox(self, claim: Claim) -> str:
        # Django renders this box through the form widget templates, once a row:
        # a quarter of the queue's rendering time. The same markup, written here.
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select"'
            ' aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            claim.pk,
            format_html(_("Select this object for an action - {}"), str(claim)),
        )

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        if term.isascii() and term.isdigit():  # isdigit() alone lets "²" reach int()
            return queryset.filter(pk=int(term)), False
        return queryset.search(term), False

    def get_form(self, request, obj=None, change=False, **kwargs):
        if may_correct(request, obj):
            kwargs["form"] = ClaimCorrectionForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        claim = [
            "text",
            ("language", "claimed_on"),
            "claimant",
            "tags",
            "submitted_context",
        ]
        work = [("status_label", "priority", "assignee"), "created_at"]
        if obj is None or self.has_change_permission(request, obj):
            # The version check's hidden field; a page only shown has no form.
            work.append("loaded_version")
        fieldsets = [(None, {"fields": claim}), (_("Work"), {"fields": work})]
        if may_correct(request, obj):
            correction = ["correction_kind", "correction_note"]
            fieldsets.insert(1, (_("Public correction"), {"fields": correction}))
        if obj is not None:
            fieldsets.append(
                (_("Similar earlier claims"), {"fields": ["similar_claims"]})
            )
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = list(self.readonly_fields)
        if not request.user.has_perm(TRIAGE):
            readonly.append("priority")
        frozen = obj is not None and obj.status in (
            Status.APPROVED,
            Status.PUBLISHED,
            Status.RETRACTED,
        )
        if frozen and not may_correct(request, obj):
            # What the approval covered: changed after sending the claim back to
            # research or, once published, by an editor's correction.
            readonly += list(services.CLAIM_RECORD_FIELDS)
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
            direction(claim.language),
            str(claim),
        )

    @admin.display(description=_("Status"), ordering="status")
    def status_label(self, claim: Claim) -> str:
        note = schedule_note(claim)
        scheduled = (
            format_html(' <small class="schedule-note">{}</small>', note)
            if note
            else ""
        )
        return format_html("{}{}{}", status_badge(claim), scheduled, page_link(claim))

    @admin.display(description=_("Age"), ordering="created_at")
    def age(self, claim: Claim) -> str:
        return timesince(claim.created_at, timezone.now(), depth=1)

    @admin.display(description=_("Sources"), ordering="source_count")
    def sources(self, claim: Claim) -> int:
        return claim.source_count

    @admin.display(description=_("Similar earlier claims"))
    def similar_claims(self, claim: Claim) -> str:
        # Across languages: an Arabic claim finds the English one it translates.
        rows = format_html_join(
            "",
            '<li><a href="{}" dir="auto">{}</a> {} ({}%, {})</li>',
            (
                (
                    reverse("admin:factcheck_claim_change", args=[other.pk]),
                    str(other),
                    status_badge(other),
                    round(score * 100),
                    other.get_language_display(),
                )
                for other, score in intake.similar_claims(claim)
            ),
        )
        if not rows:
            return _("None found.")
        return format_html("<ul class='similar'>{}</ul>", rows)

    def view_on_site(self, claim: Claim) -> str | None:
        # A draft has no public page yet: its preview stands in for it.
        return page_url(claim)

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
            f: data[f]
            for f in form.changed_data
            if f not in ("tags", "loaded_version", "correction_kind", "correction_note")
        }
        if may_correct(request, obj):
            # The correction carries these, with the appearances (save_related).
            changes = {
                f: v
                for f, v in changes.items()
                if f not in services.CLAIM_RECORD_FIELDS
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
        if change and may_correct(request, form.instance):
            appearances = [f for f in formsets if f.model is Appearance]
            _correct_the_record(request, form, appearances)
            formsets = [f for f in formsets if f.model is not Appearance]
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
                    claim, actor=actor, **_values(source, services.SOURCE_FIELDS)
                )
        elif formset.model is Appearance:
            for appearance in formset.deleted_objects:
                services.remove_appearance(appearance, actor=actor)
            for appearance, fields in formset.changed_objects:
                values = {f: getattr(appearance, f) for f in fields}
                services.update_appearance(appearance, actor=actor, **values)
            for appearance in formset.new_objects:
                services.add_appearance(
                    claim,
                    actor=actor,
                    **_values(appearance, services.APPEARANCE_FIELDS),
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
                    "label": button_label(claim, to),
                    "confirms": needs_confirmation(claim, to),
                }
                for to in services.allowed_transitions(claim, request.user)
            ]
            context["whats_next"] = whats_next(
                claim, request.user, is_author=is_author(claim, request.user)
            )
            context["can_take"] = claim.is_open and claim.assignee_id != request.user.pk
            if claim.assignee_id:
                context["assignee_name"] = person_name(claim.assignee)
            if claim.is_open and self.has_triage_permission(request):
                context["assign_form"] = AssignForm(
                    initial={"assignee": claim.assignee_id},
                    prefix="transition",
                )
            context["preview_url"] = preview_url(claim)
            context["reader"] = _from_the_reader(request, claim)
            context["notes"] = Note.objects.thread(claim)
            context["may_note"] = request.user.has_perm(RESEARCH)
            context["notes_url"] = reverse(
                "admin:factcheck_claim_notes", args=[claim.pk]
            )
            context["schedule_note"] = schedule_note(claim)
            if claim.status == Status.APPROVED and self.has_publish_permission(request):
                context["schedule_form"] = ScheduleForm(claim=claim)
                context["schedule_url"] = reverse(
                    "admin:factcheck_claim_schedule", args=[claim.pk]
                )
        return super().render_change_form(request, context, add, change, **kwargs)

    # --- Workflow buttons on the claim page

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", {})
        action_form = context.get("action_form")
        if action_form is not None and not self.has_triage_permission(request):
            del action_form.fields["assignee"]  # only editors assign to others
        changelist = context.get("cl")
        if changelist is not None and not changelist.paginator.counted_all:
            # Not "All 1,050 selected": the queue stopped counting there.
            context["selection_note_all"] = _("Every claim these filters find selected")
        return response

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        response = super().changeform_view(request, object_id, form_url, extra_context)
        if isinstance(response, MoveAfterSave):
            # Committed: what the page carried is saved; now the move itself.
            claim = self.get_object(request, object_id)
            return make_move(self, request, claim, response.move)
        return response

    def response_change(self, request, obj):
        move = pressed_move(request, obj)
        if move is None:
            return super().response_change(request, obj)
        return MoveAfterSave(request.path, move)

    def get_urls(self):
        transition = self.admin_site.admin_view(self.transition_view)
        schedule = self.admin_site.admin_view(self.schedule_view)
        preview = self.admin_site.admin_view(self.preview_view)
        from_link = self.admin_site.admin_view(self.appearance_from_link_view)
        notes = self.admin_site.admin_view(self.notes_view)
        return [
            path("<int:pk>/notes/", notes, name="factcheck_claim_notes"),
            path("<int:pk>/transition/", transition, name="factcheck_claim_transition"),
            path(
                "<int:pk>/appearance-from-link/",
                from_link,
                name="factcheck_claim_appearance_from_link",
            ),
            path("<int:pk>/schedule/", schedule, name="factcheck_claim_schedule"),
            path("<int:pk>/preview/", preview, name="factcheck_claim_preview"),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return preview_view(self, request, pk)

    def transition_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return _transition_view(self, request, pk)

    def schedule_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return _schedule_view(self, request, pk)

    def notes_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        claim = get_object_or_404(Claim, pk=pk)
        if not self.has_view_or_change_permission(request, claim):
            raise PermissionDenied
        try:
            services.add_note(claim, actor=request.user, text=request.POST.get("note"))
        except services.WorkflowError as exc:
            self.message_user(request, exc.message, messages.ERROR)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        else:
            self.message_user(request, _("Note added."), messages.SUCCESS)
        back = reverse("admin:factcheck_claim_change", args=[pk])
        return HttpResponseRedirect(f"{back}#notes")

    def appearance_from_link_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        claim = get_object_or_404(Claim, pk=pk)
        if not self.has_change_permission(request, claim):
            raise PermissionDenied
        try:
            services.appearance_from_link(
                claim, actor=request.user, url=request.POST.get("url", "")
            )
        except services.WorkflowError as exc:
            self.message_user(request, exc.message, messages.ERROR)
        else:
            self.message_user(
                request,
                _("The reader's link is now an appearance of the claim."),
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:factcheck_claim_change", args=[pk]))

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
        apply_to_each(
            self,
            request,
            queryset,
            lambda claim: services.assign(
                claim, actor=request.user, assignee=request.user
            ),
            refused=_("Claim %(pk)d not assigned: %(why)s"),
            done=lambda n: (
                ngettext(
                    "%(n)d claim assigned to you.", "%(n)d claims assigned to you.", n
                )
                % {"n": n}
            ),
        )

    @admin.action(description=_("Assign to the person chosen"), permissions=["triage"])
    def assign_to(self, request, queryset):
        form = AssignForm({"assignee": request.POST.get("assignee", "")})
        if not form.is_valid():
            self.message_user(
                request, _("Choose someone from the list."), messages.ERROR
            )
            return
        person = form.cleaned_data["assignee"]
        apply_to_each(
            self,
            request,
            queryset,
            lambda claim: services.assign(claim, actor=request.user, assignee=person),
            refused=_("Claim %(pk)d not assigned: %(why)s"),
            done=lambda n: (
                ngettext(
                    "%(n)d claim assigned to %(name)s.",
                    "%(n)d claims assigned to %(name)s.",
                    n,
                )
                % {"n": n, "name": person_name(person) if person else _("nobody")}
            ),
        )

    @admin.action(description=_("Accept"), permissions=["triage"])
    def accept(self, request, queryset):
        self._apply(request, queryset, Status.ACCEPTED)

    @admin.action(description=_("Dismiss…"), permissions=["triage"])
    def dismiss(self, request, queryset):
        # Like Django's "delete selected": a page of its own that asks for the note.
        if (
            request.POST.get("confirm") == "yes"
            and request.POST.get("note", "").strip()
        ):
            self._apply(request, queryset, Status.DISMISSED)
            return None
        return confirm_dismissal(self, request, queryset)

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


def _from_the_reader(request: HttpRequest, claim: Claim) -> dict:
    """What a reader sent with the claim: their links, each one click from being
    an appearance, and how to reach them, which only editors see (they answer
    readers; the contact is personal data nobody else needs)."""
    linked = services.linked_already(claim)
    may_add = (
        claim.status in services.DRAFT_STATUSES
        and request.user.has_perm("factcheck.add_appearance")
        and request.user.has_perm("factcheck.add_outlet")
        and request.user.has_perm("factcheck.add_article")
    )
    links = [
        {"url": url, "linked": services.canonical_link(url) in linked}
        for url in services.reader_links(claim)
    ]
    contact = claim.submitter_contact if request.user.has_perm(TRIAGE) else ""
    return {
        "links": links,
        "may_add": may_add,
        "contact": contact,
        "url": reverse("admin:factcheck_claim_appearance_from_link", args=[claim.pk]),
    }


def _values(obj, fields) -> dict:
    return {f: getattr(obj, f) for f in fields}


def _correct_the_record(request, form, appearance_formsets) -> None:
    """One public correction for what an editor changed on a published claim's
    page: the claim's own fields and where it appeared."""
    data = form.cleaned_data
    claim_changes = {
        f: data[f] for f in form.changed_data if f in services.CLAIM_RECORD_FIELDS
    }
    edits = []
    for formset in appearance_formsets:
        formset.save(commit=False)
        edits += [
            services.AppearanceEdit(appearance=a, remove=True)
            for a in formset.deleted_objects
        ]
        edits += [
            services.AppearanceEdit(appearance=a, values=_values(a, fields))
            for a, fields in formset.changed_objects
        ]
        edits += [
            services.AppearanceEdit(values=_values(a, services.APPEARANCE_FIELDS))
            for a in formset.new_objects
        ]
    if not claim_changes and not edits:
        return
    services.correct(
        FactCheck.objects.get(claim=form.instance),
        actor=request.user,
        kind=data.get("correction_kind", ""),
        note=data.get("correction_note", ""),
        claim_changes=claim_changes,
        appearances=edits,
    )


def _transition_view(model_admin: ClaimAdmin, request: HttpRequest, pk: int):
    claim = get_object_or_404(Claim, pk=pk)
    if not model_admin.has_view_or_change_permission(request, claim):
        raise PermissionDenied
    to = request.POST.get("to") or request.GET.get("to", "")
    if needs_confirmation(claim, to):
        if to not in services.allowed_transitions(claim, request.user):
            raise PermissionDenied
        return confirm_move(model_admin, request, claim, to)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
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
