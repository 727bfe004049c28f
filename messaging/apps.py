from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    """Private messages, notifications, blocks and reports."""

    name = "messaging"
    verbose_name = _("Messaging")

    def ready(self):
        """Register the app's live streams (core.live), what it prunes (core.housekeeping)
        and its notices of members' jobs (accounts.jobs.job_ended)."""
        from accounts.jobs import job_ended
        from messaging import housekeeping, live  # noqa: F401
        from messaging.receivers import job_notify

        job_ended.connect(job_notify, dispatch_uid="messaging.job_notify")
