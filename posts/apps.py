from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _repair_search_index(using, **kwargs):
    """After `migrate`: SQLite triggers a table rebuild dropped are put back (see
    posts.search.schema.schema_repair)."""
    from posts.search.schema import schema_repair

    schema_repair(using)


class PostsConfig(AppConfig):
    """The posts app."""

    name = "posts"
    verbose_name = _("Posts")

    def ready(self):
        """Register the app's live streams (core.live), the search index's repair, and
        what the app removes when a member leaves."""
        from accounts.signals import member_leaving
        from posts import live  # noqa: F401
        from posts.receivers import posts_delete_on_leaving

        post_migrate.connect(_repair_search_index, sender=self)
        member_leaving.connect(posts_delete_on_leaving, dispatch_uid="posts.leaving")
