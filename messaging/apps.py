from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    """Private messages, notifications, blocks and reports."""

    name = "messaging"
    verbose_name = _("Messaging")

    def ready(self):
        """Register the app's live streams (core.live) and what it prunes (core.housekeeping)."""
        from messaging import housekeeping, live  # noqa: F401
