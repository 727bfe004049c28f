from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MicroblogConfig(AppConfig):
    """The project package as an app: site-wide commands and template tags."""

    name = "microblog"
    verbose_name = _("Microblog")
