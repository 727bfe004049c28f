from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    """Private messages, notifications, blocks and reports."""

    name = "messaging"
    verbose_name = _("Messaging")

    def ready(self):
        """Register the app's live streams (core.live), what it prunes (core.housekeeping)
        its notices of members' jobs and what it removes when a member leaves."""
        from accounts.signals import job_ended, member_leaving
        from messaging import housekeeping, live  # noqa: F401
        from messaging.receivers import job_notify, messages_delete_on_leaving

        job_ended.connect(job_notify, dispatch_uid="messaging.job_notify")
        member_leaving.connect(messages_delete_on_leaving, dispatch_uid="messaging.leaving")
