"""Admin for moderators: inspect and remove follows."""

from django.contrib import admin

from social.models import Follow


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    """Follows newest first, searchable by either user."""

    list_display = ["follower", "followed", "created"]
    list_select_related = ["follower", "followed"]
    list_filter = ["created"]
    search_fields = ["follower__username", "followed__username"]
    raw_id_fields = ["follower", "followed"]
    show_full_result_count = False
