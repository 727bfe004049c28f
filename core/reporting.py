"""Error reports (the e-mails to ADMINS, the debug page) that never show a credential."""

import re

from django.views.debug import SafeExceptionReporterFilter

# scheme://user:password@host -> scheme://user:********@host (any scheme: redis, postgres...)
URL_CREDENTIALS = re.compile(r"(?P<prefix>[a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@\s]+(?=@)", re.I)


def mask_url_credentials(value):
    """`value` with the password of every URL in it replaced by stars, at any depth."""
    if isinstance(value, str):
        return URL_CREDENTIALS.sub(
            lambda match: match["prefix"] + SafeExceptionReporterFilter.cleansed_substitute,
            value,
        )
    if isinstance(value, dict):
        return {key: mask_url_credentials(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(mask_url_credentials(item) for item in value)
    return value


class CredentialsFilter(SafeExceptionReporterFilter):
    """Django's filter (names like PASSWORD, KEY, TOKEN), plus passwords inside URLs.

    REDIS_URL, DATABASE_URL and the like hold credentials under names Django does not
    recognise, and CACHES or CHANNEL_LAYERS repeat them in nested values.
    """

    def cleanse_setting(self, key, value):
        """Cleanse as Django does, then mask any password left inside a URL."""
        return mask_url_credentials(super().cleanse_setting(key, value))
