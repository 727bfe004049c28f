"""Admin for moderators: find users, see their activity, deactivate ordinary members.

Every view and action on a user goes through `accounts.permissions.manageable_users`:
moderators never act on staff, superusers or themselves, and never set a password.
"""

from functools import partial

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.avatars import avatar_from_upload
from accounts.forms import AdminLoginForm, AdminPasswordChangeForm
from accounts.models import User
from accounts.permissions import can_manage_user, can_set_password, manageable_users
from accounts.services import avatar_store, users_active_set
from core.files import file_delete_quietly
from core.ratelimit import RateLimited, rate_limit
from social.selectors import follow_neighbour_ids
from social.services import follow_counts_refresh

# The admin's login and password change count failures with the site's (one limiter for
# every password form).
admin.site.login_form = AdminLoginForm
admin.site.password_change_form = AdminPasswordChangeForm


class UserAdminForm(UserChangeForm):
    """The user change form; an uploaded avatar is checked and resized like the profile's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "avatar" in self.fields:
            # The model's 100 characters bound the stored name (avatars/<id>/<random>.webp),
            # not the uploaded file's, which the profile page accepts at any length.
            self.fields["avatar"].max_length = None

    def clean_avatar(self):
        """A new upload becomes the stored square WebP, under the member's avatar limit."""
        avatar = self.cleaned_data.get("avatar")
        if not isinstance(avatar, UploadedFile):
            return avatar
        try:
            rate_limit(scope="avatar", key=self.instance.pk, rate=settings.AVATAR_RATE)
        except RateLimited as error:
            raise ValidationError(str(error)) from None
        return avatar_from_upload(avatar)

    def _post_clean(self):
        """Once everything else is valid, store a new avatar: a storage that is down is an
        error of the field (not a server error), and a form refused for another reason
        leaves no file behind."""
        super()._post_clean()
        avatar = self.cleaned_data.get("avatar")
        if isinstance(avatar, ContentFile) and not self._errors:
            try:
                avatar_store(user=self.instance, avatar=avatar)
            except ValidationError as error:
                self.add_error("avatar", error)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin plus the profile fields and a deactivate action."""

    form = UserAdminForm
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
    # Only superusers grant powers or touch what lets someone into an account.
    superuser_fields = ["is_superuser", "is_staff", "groups", "user_permissions", "email"]

    def get_readonly_fields(self, request, obj=None):
        """Keep privilege and sign-in fields read-only for everyone but superusers."""
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += self.superuser_fields
        return readonly

    def get_fieldsets(self, request, obj=None):
        """Moderators do not even see a password hash (nor its link to set a password)."""
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or obj is None:
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "password"]})
            for name, options in fieldsets
        ]

    def has_change_permission(self, request, obj=None):
        """Model permission, then the moderation rule for this very user."""
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_manage_user(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        """Model permission, then the moderation rule for this very user."""
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or can_manage_user(request.user, obj))

    def user_change_password(self, request, id, form_url=""):
        """Setting someone's password is for superusers only."""
        if not can_set_password(request.user):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def save_model(self, request, obj, form, change):
        """Save; a replaced or cleared avatar's file is deleted once committed, and a change
        of `is_active` recounts the follows of the members around."""
        old_avatar = ""
        if change and "avatar" in form.changed_data:
            old_avatar = User.objects.filter(pk=obj.pk).values_list("avatar", flat=True).get()
        super().save_model(request, obj, form, change)
        if old_avatar and old_avatar != obj.avatar.name:
            storage = User._meta.get_field("avatar").storage
            transaction.on_commit(partial(file_delete_quietly, storage, old_avatar))
        if "is_active" in form.changed_data:
            follow_counts_refresh(user_ids=follow_neighbour_ids(user_ids=[obj.pk]))

    def delete_model(self, request, obj):
        """Delete, then recount the follows of the members around."""
        neighbours = follow_neighbour_ids(user_ids=[obj.pk])
        super().delete_model(request, obj)
        follow_counts_refresh(user_ids=neighbours)

    def delete_queryset(self, request, queryset):
        """Bulk deletion spares the users the actor may not manage; recounts as above."""
        manageable = manageable_users(request.user, queryset)
        neighbours = follow_neighbour_ids(user_ids=manageable.values("pk"))
        super().delete_queryset(request, manageable)
        follow_counts_refresh(user_ids=neighbours)

    @admin.action(description=_("Deactivate the selected users"), permissions=["change"])
    def deactivate(self, request, queryset):
        """Stop the selected users from logging in; their data stays (hidden meanwhile)."""
        manageable = manageable_users(request.user, queryset)
        count = users_active_set(users=manageable, active=False)
        skipped = queryset.count() - manageable.count()
        self.message_user(
            request,
            ngettext("%(count)d user deactivated.", "%(count)d users deactivated.", count)
            % {"count": count},
            messages.SUCCESS,
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d user was skipped: you may not change staff, superusers or yourself.",
                    "%(count)d users were skipped: you may not change staff, superusers or "
                    "yourself.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
