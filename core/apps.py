from django.apps import AppConfig
from django.core import checks
from django.core.management import call_command
from django.core.signals import request_finished
from django.db.models.signals import post_migrate
from django.tasks.signals import task_finished, task_started
from django.utils.translation import gettext_lazy as _

from core.logs import bind_task, unbind


def create_cache_table(*, using, **kwargs) -> None:
    """Create the database cache's table (a no-op unless the cache is the database)."""
    call_command("createcachetable", database=using, verbosity=0)


def tag_task_logs(*, task_result, **kwargs) -> None:
    """What a task logs carries its id (the worker's, or the request's that ran it)."""
    bind_task(task_result.id)


def untag_task_logs(*, task_result, **kwargs) -> None:
    """The task is over: what follows is not its doing."""
    unbind(task_result.id)


class CoreConfig(AppConfig):
    """Shared code with no domain: pagination, redirects, template tags, API plumbing."""

    name = "core"
    verbose_name = _("Core")

    def ready(self):
        """`migrate` makes the cache table too (no deployment can forget it); logs get ids."""
        from core.ratelimit import rate_settings_check
        from core.request_log import request_finished_handler
        from core.translators import translator_settings_check

        post_migrate.connect(create_cache_table, sender=self)
        request_finished.connect(request_finished_handler)
        # After django.tasks' own receivers, so that its "Task ... FAILED" line is tagged.
        task_started.connect(tag_task_logs)
        task_finished.connect(untag_task_logs)
        checks.register(rate_settings_check)
        checks.register(translator_settings_check)
