from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """The accounts app."""

    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        """Register the <username:...> URL converter before any URLconf loads."""
        from accounts import converters  # noqa: F401
