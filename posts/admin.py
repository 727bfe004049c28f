"""Admin for moderators: find posts by text or author and delete them."""

from django.contrib import admin

from posts.models import Post


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    """Posts newest first, searchable by text and author, filterable by date."""

    list_display = ["id", "author", "body", "created", "language"]
    list_select_related = ["author"]
    list_filter = ["created", "language"]
    search_fields = ["body", "author__username"]
    date_hierarchy = "created"
    raw_id_fields = ["author"]
    readonly_fields = ["created"]
    show_full_result_count = False  # COUNT(*) on a large table makes the list slow
