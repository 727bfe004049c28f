"""Admin: moderators see reports (with the reported messages) and resolve them.

Messages and conversations are not registered: a moderator reads private messages only
through a report. Notifications and blocks are for superusers to inspect.
"""

from django.contrib import admin, messages
from django.db.models import F, Q
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from accounts.permissions import manageable_users
from messaging.models import Block, Notification, Report
from messaging.services.reports import report_resolve


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Reports, open ones first; read-only but for the "resolved" action."""

    list_display = ["reported_name", "reporter_name", "created", "resolved", "resolved_by"]
    list_select_related = ["resolved_by"]
    list_filter = [("resolved", admin.EmptyFieldListFilter), "created"]
    search_fields = ["reported_name", "reporter_name"]
    # Open reports first (NULL sorts last on PostgreSQL unless told), newest first.
    ordering = [F("resolved").asc(nulls_first=True), "-created"]
    fields = ["reporter_name", "reporter", "reported_name", "reported", "reason", "created",
              "resolved", "resolved_by", "reported_messages"]  # fmt: skip
    readonly_fields = fields
    actions = ["resolve"]
    show_full_result_count = False

    def get_queryset(self, request):
        """Moderators see reports between the members they may act on: ordinary members,
        never themselves, staff or superusers (those are for superusers); a member whose
        account was deleted is no longer any of these."""
        reports = super().get_queryset(request)
        if request.user.is_superuser:
            return reports
        manageable = manageable_users(request.user, User.objects.all())
        return reports.filter(
            Q(reported__in=manageable) | Q(reported__isnull=True),
            Q(reporter__in=manageable) | Q(reporter__isnull=True),
        )

    def has_add_permission(self, request):
        """Reports come from members only."""
        return False

    def has_delete_permission(self, request, obj=None):
        """Reports are kept (superusers may still remove one)."""
        return request.user.is_superuser

    @admin.display(description=_("reported messages"))
    def reported_messages(self, report):
        """The messages the reporter showed, oldest first, escaped."""
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (message["created"][:16].replace("T", " "), message["sender"], message["body"])
                for message in report.evidence
            ),
        )  # fmt: skip
        return format_html(
            '<table class="reported-messages"><thead><tr><th>{}</th><th>{}</th><th>{}</th>'
            "</tr></thead><tbody>{}</tbody></table>",
            _("sent"),
            _("sender"),
            _("message"),
            rows,
        )

    @admin.action(description=_("Mark the selected reports as resolved"), permissions=["change"])
    def resolve(self, request, queryset):
        """Mark the selected open reports as resolved by this moderator."""
        reports = list(queryset.filter(resolved__isnull=True))
        for report in reports:
            report_resolve(report=report, moderator=request.user)
        self.message_user(
            request,
            ngettext("%(count)d report resolved.", "%(count)d reports resolved.", len(reports))
            % {"count": len(reports)},
            messages.SUCCESS,
        )


class SuperuserOnlyAdmin(admin.ModelAdmin):
    """Visible to superusers only, whatever permissions a group grants."""

    def has_module_permission(self, request):
        """Only superusers see this in the admin."""
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        """Only superusers see this in the admin."""
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        """Only superusers see this in the admin."""
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        """Only superusers see this in the admin."""
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        """Made by members' actions only."""
        return False


@admin.register(Notification)
class NotificationAdmin(SuperuserOnlyAdmin):
    """Notifications newest first, by recipient."""

    list_display = ["recipient", "kind", "actor", "created", "read"]
    list_select_related = ["recipient", "actor"]
    list_filter = ["kind", "created"]
    search_fields = ["recipient__username"]
    raw_id_fields = ["recipient", "actor"]
    readonly_fields = ["recipient", "kind", "actor", "key", "data", "created"]
    show_full_result_count = False


@admin.register(Block)
class BlockAdmin(SuperuserOnlyAdmin):
    """Blocks newest first, by either member."""

    list_display = ["blocker", "blocked", "created"]
    list_select_related = ["blocker", "blocked"]
    search_fields = ["blocker__username", "blocked__username"]
    readonly_fields = ["blocker", "blocked", "created"]
    show_full_result_count = False
