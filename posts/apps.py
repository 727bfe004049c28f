from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PostsConfig(AppConfig):
    """The posts app."""

    name = "posts"
    verbose_name = _("Posts")

    def ready(self):
        """Register the app's live streams (core.live)."""
        from posts import live  # noqa: F401
