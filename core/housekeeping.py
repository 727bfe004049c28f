"""Housekeeping: what each app prunes, and the run that prunes it all.

Apps register their pruning with `@housekeeping_job(name)` (in their `housekeeping.py`,
imported when they are ready); `housekeeping_run` calls each with the current time.
`manage.py housekeeping` runs it by hand and on the deployment's schedule.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

# name -> (function(now) -> rows it dealt with, what it did to them)
_jobs: dict[str, tuple[Callable[[datetime], int], str]] = {}


def housekeeping_job(name: str, *, outcome: str = "removed"):
    """Register `function(now) -> rows` under `name`; `outcome` says what it did to them."""

    def register(function):
        _jobs[name] = (function, outcome)
        return function

    return register


def housekeeping_run(*, now: datetime | None = None) -> dict[str, int]:
    """Run every registered pruning; {name: how many rows it dealt with}."""
    now = now or timezone.now()
    return {name: function(now) for name, (function, _outcome) in _jobs.items()}


def housekeeping_report(counts: dict[str, int]) -> list[str]:
    """A run's counts as lines for people, such as "expired API tokens: 3 removed"."""
    return [f"{name}: {count:,} {_jobs[name][1]}" for name, count in counts.items()]


@housekeeping_job("finished task results")
def task_results_prune(now: datetime) -> int:
    """Results of tasks finished more than TASK_RESULTS_RETENTION_DAYS ago."""
    cutoff = now - timedelta(days=settings.TASK_RESULTS_RETENTION_DAYS)
    old = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff)
    return old.delete()[0]
