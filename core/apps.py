from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared code with no domain: pagination, redirects, template tags, API plumbing."""

    name = "core"
    verbose_name = _("Core")
