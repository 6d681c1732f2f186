"""Background work as the desk sees it: sources' archives and link checks, webhook
subscribers and their deliveries, and the clock (celery beat) that sends the
periodic jobs."""

import json

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models.functions import Substr
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from factcheck import services, webhooks
from factcheck.admin.common import (
    apply_to_each,
    job_badge,
    link_badge,
    listed,
    local_time,
)
from factcheck.admin.history import EventHistory
from factcheck.models import (
    RESEARCH,
    ArchiveJob,
    Delivery,
    DeliveryAttempt,
    LinkStatus,
    PeriodicJob,
    Source,
    SourceArchive,
    Subscriber,
    WebhookEvent,
)

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
class SourceAdmin(EventHistory, admin.ModelAdmin):
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
        apply_to_each(
            self,
            request,
            queryset,
            lambda source: services.rearchive(source, actor=request.user),
            refused=_("Source %(pk)d not re-archived: %(why)s"),
            done=lambda n: (
                ngettext(
                    "%(n)d source will be archived again shortly.",
                    "%(n)d sources will be archived again shortly.",
                    n,
                )
                % {"n": n}
            ),
        )


# --- Background work: webhooks --------------------------------------------------


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
        return listed(labels.get(e, e) for e in subscriber.events)

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
class DeliveryAdmin(EventHistory, admin.ModelAdmin):
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
        apply_to_each(
            self,
            request,
            queryset,
            lambda delivery: services.redeliver(delivery, actor=request.user),
            refused=_("Delivery %(pk)d not sent again: %(why)s"),
            done=lambda n: (
                ngettext(
                    "%(n)d delivery will be sent again shortly.",
                    "%(n)d deliveries will be sent again shortly.",
                    n,
                )
                % {"n": n}
            ),
        )


# --- Background work: the clock -------------------------------------------------


@admin.register(PeriodicJob)
class PeriodicJobAdmin(admin.ModelAdmin):
    """When celery beat last sent each periodic job, and whether it is late: with
    beat stopped, scheduled publications, the sweeper and link checks silently
    stop while everything else looks well. Written by beat; read-only here."""

    list_display = ["name", "task", "every", "sent", "run", "health"]
    list_display_links = None
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        now = timezone.now()
        recorded = {job.name: job for job in PeriodicJob.objects.all()}
        for name in settings.CELERY_BEAT_SCHEDULE:
            job = recorded.get(name)
            if job is None:
                warning = _(
                    "The clock (celery beat) has never had “%(job)s” in its schedule: "
                    "is beat running?"
                ) % {"job": name}
            elif job.is_late(now) and job.last_sent_at is None:
                warning = _(
                    "The clock (celery beat) is late: it has not sent “%(job)s” "
                    "since it started at %(when)s. Is beat running?"
                ) % {"job": name, "when": local_time(job.since)}
            elif job.is_late(now):
                warning = _(
                    "The clock (celery beat) is late: it last sent “%(job)s” at "
                    "%(when)s. Is beat running?"
                ) % {"job": name, "when": local_time(job.last_sent_at)}
            elif job.worker_is_late(now):
                warning = _(
                    "No worker has run “%(job)s” since %(when)s: is the Celery "
                    "worker running?"
                ) % {"job": name, "when": local_time(job.last_run_at)}
            else:
                continue
            self.message_user(request, warning, messages.WARNING)
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("every"))
    def every(self, job: PeriodicJob) -> str:
        every = job.every
        if every is None:
            return _("no longer scheduled")
        return _("%(seconds)d s") % {"seconds": every.total_seconds()}

    @admin.display(description=_("last sent by beat"), ordering="last_sent_at")
    def sent(self, job: PeriodicJob) -> str:
        return local_time(job.last_sent_at)

    @admin.display(description=_("last run by a worker"))
    def run(self, job: PeriodicJob) -> str:
        # Only the heartbeat reports back; the others' effects are on their pages.
        return local_time(job.last_run_at)

    @admin.display(description=_("health"))
    def health(self, job: PeriodicJob) -> str:
        now = timezone.now()
        if job.is_late(now) or job.worker_is_late(now):
            state, label = "failed", _("Late")
        else:
            state, label = "done", _("On time")
        return format_html('<span class="status-badge job-{}">{}</span>', state, label)
