"""Admin for moderators: find posts by text or author and delete them."""

from django.contrib import admin

from posts.models import Post
from posts.services import post_counts_refresh


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

    def save_model(self, request, obj, form, change):
        """Save, then recount the authors' posts (the author may have changed)."""
        previous = form.initial.get("author")
        super().save_model(request, obj, form, change)
        post_counts_refresh(author_ids={obj.author_id, previous} - {None})

    def delete_model(self, request, obj):
        """Delete, then recount the author's posts."""
        super().delete_model(request, obj)
        post_counts_refresh(author_ids={obj.author_id})

    def delete_queryset(self, request, queryset):
        """Delete the selected posts, then recount their authors' posts."""
        author_ids = set(queryset.values_list("author_id", flat=True))
        super().delete_queryset(request, queryset)
        post_counts_refresh(author_ids=author_ids)
