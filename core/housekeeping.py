"""Housekeeping: what each app prunes, and the run that prunes it all.

Apps register their pruning with `@housekeeping_job(name)` (in their `housekeeping.py`,
imported when they are ready); `housekeeping_run` calls each with the current time.
`manage.py housekeeping` runs it by hand; the deployment runs it on a schedule.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

_jobs: dict[str, Callable[[datetime], int]] = {}


def housekeeping_job(name: str):
    """Register `function(now) -> rows removed` under `name`."""

    def register(function):
        _jobs[name] = function
        return function

    return register


def housekeeping_run(*, now: datetime | None = None) -> dict[str, int]:
    """Run every registered pruning; {name: how many rows it removed}."""
    now = now or timezone.now()
    removed = {}
    for name, function in _jobs.items():
        removed[name] = function(now)
        logger.info("Housekeeping: %s, %d removed.", name, removed[name])
    return removed


@housekeeping_job("finished task results")
def task_results_prune(now: datetime) -> int:
    """Results of tasks finished more than TASK_RESULTS_RETENTION_DAYS ago."""
    cutoff = now - timedelta(days=settings.TASK_RESULTS_RETENTION_DAYS)
    old = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff)
    return old.delete()[0]
