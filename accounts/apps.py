from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """The accounts app."""

    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        """Register the <username:...> URL converter before any URLconf loads, the member's
        live stream, the receivers that close sockets whose session ended and delete jobs'
        files, the private storage's reset when STORAGES changes, and what the app prunes
        (core.housekeeping)."""
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_out
        from django.core.signals import setting_changed
        from django.db.models.signals import post_delete, pre_save

        from accounts import converters, housekeeping, live  # noqa: F401
        from accounts.models import Job, private_storage_reset
        from accounts.receivers import (
            job_file_delete,
            sockets_recheck_on_credentials,
            sockets_recheck_on_logout,
        )

        user_logged_out.connect(sockets_recheck_on_logout, dispatch_uid="accounts.logout")
        pre_save.connect(
            sockets_recheck_on_credentials,
            sender=get_user_model(),
            dispatch_uid="accounts.credentials",
        )
        post_delete.connect(job_file_delete, sender=Job, dispatch_uid="accounts.job_file")
        setting_changed.connect(private_storage_reset, dispatch_uid="accounts.private_storage")
