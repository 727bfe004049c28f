"""Admin for moderators: inspect and remove follows (the members' counts follow)."""

from django.contrib import admin

from social.models import Follow
from social.services import follow_counts_refresh


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    """Follows newest first, searchable by either user."""

    list_display = ["follower", "followed", "created"]
    list_select_related = ["follower", "followed"]
    list_filter = ["created"]
    search_fields = ["follower__username", "followed__username"]
    raw_id_fields = ["follower", "followed"]
    show_full_result_count = False

    def save_model(self, request, obj, form, change):
        """Save, then recount both members' follows (and those of the pair it replaced)."""
        before = {form.initial.get("follower"), form.initial.get("followed")} - {None}
        super().save_model(request, obj, form, change)
        follow_counts_refresh(user_ids={obj.follower_id, obj.followed_id} | before)

    def delete_model(self, request, obj):
        """Delete, then recount both members' follows."""
        super().delete_model(request, obj)
        follow_counts_refresh(user_ids={obj.follower_id, obj.followed_id})

    def delete_queryset(self, request, queryset):
        """Delete the selected follows, then recount everyone they involved."""
        pairs = queryset.values_list("follower_id", "followed_id")
        user_ids = {pk for pair in pairs for pk in pair}
        super().delete_queryset(request, queryset)
        follow_counts_refresh(user_ids=user_ids)
