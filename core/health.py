"""Health checks for load balancers and orchestrators, as JSON.

/healthz: the process answers (no backing service asked). /readyz: it can serve — the
database (and its read replica), the cache, Redis, the task queue being worked (no task
waiting past QUEUE_LAG_SECONDS) and Elasticsearch, each when configured; 503 naming what
failed.
Each check is a single round trip, cheap enough to be called every few seconds.
"""

import logging
from datetime import timedelta
from functools import partial

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS
from django.db import connections as databases
from django.db.models import Q
from django.http import JsonResponse
from django.tasks import task_backends
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max
from elasticsearch.dsl.connections import connections

logger = logging.getLogger(__name__)

# A task ready this long without a worker taking it: no worker is working the queue.
QUEUE_LAG_SECONDS = 300


@never_cache
@require_safe
def healthz(request):
    """The process is alive."""
    return JsonResponse({"status": "ok"})


def _database(alias: str = DEFAULT_DB_ALIAS) -> None:
    with databases[alias].cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    # The site's caches fail soft (they answer defaults when down): ask for real.
    cache.set("health:probe", 1, 10)
    if cache.get("health:probe") != 1:
        raise ConnectionError("the cache keeps nothing")


def _redis() -> None:
    redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping()


def _task_queue() -> None:
    if not isinstance(task_backends["default"], DatabaseBackend):
        return
    cutoff = timezone.now() - timedelta(seconds=QUEUE_LAG_SECONDS)
    waiting = DBTaskResult.objects.ready().filter(
        Q(run_after=get_date_max(), enqueued_at__lt=cutoff) | Q(run_after__lt=cutoff)
    )
    if waiting.exists():
        raise RuntimeError("tasks are waiting for a worker")


def _elasticsearch() -> None:
    if not connections.get_connection().ping():
        raise ConnectionError("Elasticsearch does not answer")


def worker_problem() -> str | None:
    """What keeps the task workers from working (the database, the queue), or None: the
    worker container's health check (scripts/healthcheck --worker)."""
    for name, check in (("database", _database), ("task_queue", _task_queue)):
        try:
            check()
        except Exception as error:  # whatever the failure, this check did not pass
            return f"{name}: {error}"
    return None


@never_cache
@require_safe
def readyz(request):
    """Whether this process can serve: each backing service asked once."""
    checks = {"database": _database, "cache": _cache, "task_queue": _task_queue}
    if settings.DATABASE_REPLICA_URL:
        checks["database_replica"] = partial(_database, "replica")
    if settings.REDIS_URL:
        checks["redis"] = _redis
    if settings.ELASTICSEARCH_URL:
        checks["elasticsearch"] = _elasticsearch
    results = {}
    for name, check in checks.items():
        try:
            check()
        except Exception as error:  # whatever the failure, this check did not pass
            logger.warning("Readiness: %s failed: %s", name, error)
            results[name] = "failed"
        else:
            results[name] = "ok"
    ready = all(result == "ok" for result in results.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": results},
                        status=200 if ready else 503)  # fmt: skip
