"""Admin for moderators: find users, see their activity, deactivate them."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin plus the profile fields and a deactivate action."""

    list_display = ["username", "email", "is_active", "is_staff", "date_joined", "last_seen"]
    list_filter = ["is_active", "is_staff", "is_superuser", "groups", "date_joined", "last_seen"]
    search_fields = ["username", "email", "about_me"]
    date_hierarchy = "date_joined"
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Profile"), {"fields": ["about_me", "avatar", "last_seen"]}),
    ]
    readonly_fields = ["last_seen", "last_login", "date_joined"]
    actions = ["deactivate"]
    # Only superusers may grant powers; moderators can change_user to deactivate accounts.
    privileged_fields = ["is_superuser", "is_staff", "groups", "user_permissions"]

    def get_readonly_fields(self, request, obj=None):
        """Keep privilege fields read-only for everyone but superusers."""
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += self.privileged_fields
        return readonly

    @admin.action(description=_("Deactivate the selected users"), permissions=["change"])
    def deactivate(self, request, queryset):
        """Stop the selected users from logging in; their data stays."""
        count = queryset.filter(is_active=True).update(is_active=False)
        self.message_user(
            request,
            ngettext("%(count)d user deactivated.", "%(count)d users deactivated.", count)
            % {"count": count},
            messages.SUCCESS,
        )
