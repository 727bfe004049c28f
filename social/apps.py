from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocialConfig(AppConfig):
    """The social app."""

    name = "social"
    verbose_name = _("Social")

    def ready(self):
        """Register the app's live streams; connect to the messaging app's signals (it
        sits below this app)."""
        from accounts.signals import member_leaving
        from messaging.signals import member_blocked
        from social import live  # noqa: F401
        from social.receivers import follows_delete_on_leaving, follows_end_on_block

        member_blocked.connect(follows_end_on_block, dispatch_uid="social.follows_end_on_block")
        member_leaving.connect(follows_delete_on_leaving, dispatch_uid="social.leaving")
