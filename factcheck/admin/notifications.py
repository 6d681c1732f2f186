"""Each person's notifications: what was assigned to them, sent for their review,
sent back, approved or published. Everyone sees only their own."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from factcheck.models import RESEARCH, Notification


class ReadFilter(admin.SimpleListFilter):
    title = _("read or unread")
    parameter_name = "unread"

    def lookups(self, request, model_admin):
        return [("yes", _("Unread")), ("no", _("Read"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.unread()
        if self.value() == "no":
            return queryset.filter(read_at__isnull=False)
        return queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["what", "claim_link", "by", "created_at", "read"]
    list_display_links = None
    list_filter = [ReadFilter, "kind"]
    actions = ["mark_read", "mark_unread"]
    list_per_page = 50
    show_full_result_count = False

    def get_queryset(self, request):
        return Notification.objects.for_user(request.user)

    # Fact-checkers and editors have notifications of their own; nobody reads
    # another's, and nobody writes them but the services.
    def has_module_permission(self, request):
        return request.user.has_perm(RESEARCH)

    def has_view_permission(self, request, obj=None):
        mine = obj is None or obj.recipient_id == request.user.pk
        return request.user.has_perm(RESEARCH) and mine

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        unread = Notification.objects.for_user(request.user).unread().count()
        title = ngettext(
            "Notifications: %(n)d unread", "Notifications: %(n)d unread", unread
        ) % {"n": unread}
        return super().changelist_view(
            request, {**(extra_context or {}), "title": title}
        )

    @admin.display(description=_("What happened"), ordering="kind")
    def what(self, notification: Notification) -> str:
        if notification.read_at is None:
            return format_html("<strong>{}</strong>", notification.get_kind_display())
        return notification.get_kind_display()

    @admin.display(description=_("Claim"))
    def claim_link(self, notification: Notification) -> str:
        return format_html(
            '<a href="{}" dir="auto">{}</a>',
            reverse("admin:factcheck_claim_change", args=[notification.claim_id]),
            str(notification.claim),
        )

    @admin.display(description=_("By"))
    def by(self, notification: Notification) -> str:
        return str(notification.event.actor or "—")

    @admin.display(description=_("Read"), boolean=True)
    def read(self, notification: Notification) -> bool:
        return notification.read_at is not None

    @admin.action(description=_("Mark as read"))
    def mark_read(self, request, queryset):
        # The recipient's own rows only, whatever ids were posted.
        n = queryset.filter(recipient=request.user, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        self.message_user(
            request,
            ngettext("%(n)d marked as read.", "%(n)d marked as read.", n) % {"n": n},
            messages.SUCCESS,
        )

    @admin.action(description=_("Mark as unread"))
    def mark_unread(self, request, queryset):
        n = queryset.filter(recipient=request.user).update(read_at=None)
        self.message_user(
            request,
            ngettext("%(n)d marked as unread.", "%(n)d marked as unread.", n)
            % {"n": n},
            messages.SUCCESS,
        )
