"""Reference data (outlets, articles, claimants, tags, the rating scale), the
audit trail and API keys."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from factcheck import services
from factcheck.admin.common import FREE_TEXT, RefusalsAsMessages, local_time
from factcheck.admin.history import EventHistory
from factcheck.models import (
    ApiToken,
    Article,
    Claimant,
    Event,
    Outlet,
    OutletFeed,
    Rating,
    Tag,
)
from factcheck.services import feeds


class ReferenceAdmin(EventHistory, admin.ModelAdmin):
    """Data that published pages show: saving it refreshes the public cache, and
    its History page lists who changed what, and what it said before."""

    formfield_overrides = FREE_TEXT

    def save_model(self, request, obj, form, change):
        services.save_reference(obj, actor=request.user)

    def delete_model(self, request, obj):
        services.delete_reference(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.delete_reference(obj, actor=request.user)


# --- Reference data ------------------------------------------------------------------


class OutletFeedForm(forms.ModelForm):
    class Meta:
        model = OutletFeed
        fields = ["url", "interval", "is_active"]

    def clean_url(self):
        # Fetched now, so a link that is no feed is refused while the person
        # adding it is here, not discovered at the first poll.
        url = self.cleaned_data["url"]
        if url and (self.instance.pk is None or url != self.instance.url):
            try:
                feeds.check_feed(url)
            except ValidationError as exc:
                raise ValidationError(exc.message_dict["url"]) from exc
        return url


class OutletFeedInline(admin.TabularInline):
    """The outlet's RSS and Atom feeds, polled for new articles; the poll's
    state (when, the last error) is shown, not edited."""

    model = OutletFeed
    form = OutletFeedForm
    extra = 0
    fields = ["url", "interval", "is_active", "polled", "next_poll", "error"]
    readonly_fields = ["polled", "next_poll", "error"]

    @admin.display(description=_("last polled"))
    def polled(self, feed: OutletFeed) -> str:
        return local_time(feed.last_polled_at) if feed.pk else "—"

    @admin.display(description=_("next poll"))
    def next_poll(self, feed: OutletFeed) -> str:
        return local_time(feed.next_poll_at) if feed.pk else "—"

    @admin.display(description=_("last error"))
    def error(self, feed: OutletFeed) -> str:
        if not feed.pk or not feed.last_error:
            return "—"
        return format_html(
            '<span class="errornote">{}</span> {}',
            feed.last_error,
            ngettext(
                "(%(n)d failure in a row)", "(%(n)d failures in a row)", feed.failures
            )
            % {"n": feed.failures},
        )


@admin.register(Outlet)
class OutletAdmin(ReferenceAdmin):
    list_display = ["name", "name_ar", "domain", "language"]
    search_fields = ["name", "name_ar", "domain"]
    inlines = [OutletFeedInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not OutletFeed:
            return super().save_formset(request, form, formset, change)
        for feed in formset.save(commit=False):
            feeds.save_feed(feed, actor=request.user)
        for feed in formset.deleted_objects:
            feeds.delete_feed(feed, actor=request.user)


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
    list_display = ["name_en", "name_ar", "slug"]
    search_fields = ["name_en", "name_ar"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Rating)
class RatingAdmin(ReferenceAdmin):
    list_display = ["value", "label_en", "label_ar", "swatch"]
    ordering = ["value"]

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
    list_display = [
        "created_at",
        "claim",
        "subject_name",
        "actor",
        "kind",
        "from_status",
        "to_status",
    ]
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
class ApiTokenAdmin(EventHistory, RefusalsAsMessages, admin.ModelAdmin):
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
