from django.apps import AppConfig
from django.core import checks
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_cache_table(*, using, **kwargs) -> None:
    """Create the database cache's table (a no-op unless the cache is the database)."""
    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    """Shared code with no domain: pagination, redirects, template tags, API plumbing."""

    name = "core"
    verbose_name = _("Core")

    def ready(self):
        """`migrate` also makes the cache table, so no deployment step can forget it."""
        from core.ratelimit import rate_settings_check
        from core.translators import translator_settings_check

        post_migrate.connect(create_cache_table, sender=self)
        checks.register(rate_settings_check)
        checks.register(translator_settings_check)
