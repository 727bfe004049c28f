from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocialConfig(AppConfig):
    """The social app."""

    name = "social"
    verbose_name = _("Social")
