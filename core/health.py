"""Health checks for load balancers and orchestrators, as JSON.

/healthz: the process answers (no backing service asked). /readyz: it can serve — the
database (and its read replica), the cache, Redis, the task queue being worked (no task
waiting past QUEUE_LAG_SECONDS), Elasticsearch and object storage, each when configured;
503 naming what failed, or 200 "degraded" when only the replica failed (pages then read the
primary). Each check is a single round trip, cheap enough to be called every
few seconds; object storage, billed by the request, is asked at most every
OBJECT_STORAGE_CHECK_SECONDS per process.
"""

import logging
import threading
import time
from datetime import timedelta
from functools import partial

import redis
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.core.files.storage import storages
from django.db import DEFAULT_DB_ALIAS
from django.db import connections as databases
from django.db.models import Q
from django.http import JsonResponse
from django.tasks import task_backends
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max
from elasticsearch.dsl.connections import connections

logger = logging.getLogger(__name__)

# A task ready this long without a worker taking it: no worker is working the queue.
QUEUE_LAG_SECONDS = 300
OBJECT_STORAGE_CHECK_SECONDS = 10
# (endpoint, bucket) -> when it was last asked, and the error it gave or None.
_buckets_asked: dict[tuple, tuple[float, Exception | None]] = {}
_bucket_check = threading.Lock()


@csrf_exempt  # a POST is told 405 by require_safe, not 403 about a cookie
@never_cache
@require_safe
def healthz(request):
    """The process is alive."""
    return JsonResponse({"status": "ok"})


# How long /readyz waits for a pooled PostgreSQL connection: the pool's own wait (5 s, the
# requests') would outlast a load balancer's probe, which then learns nothing.
READY_DATABASE_WAIT_SECONDS = 1


def _database(alias: str = DEFAULT_DB_ALIAS) -> None:
    pool = getattr(databases[alias], "pool", None)
    if pool is None:
        with databases[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
        return
    pool.open()  # Django opens it for a process's first query: this may be the first
    with pool.connection(timeout=READY_DATABASE_WAIT_SECONDS) as connection:
        connection.execute("SELECT 1")


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


# Checks whose failure the site works around (pages read the primary while the replica is
# down: core.db_router): reported, but a load balancer should keep sending requests.
SPARED_BY_FALLBACK = {"database_replica"}


def _failures(checks: dict) -> dict[str, Exception]:
    """Run each check once: those that failed, with their error. Checks that need the
    database fail with it, unasked: each would wait the pool's 5 s in vain."""
    needs_database = {"task_queue"}
    if isinstance(caches["default"], DatabaseCache):
        needs_database.add("cache")
    failures = {}
    for name, check in checks.items():
        if name in needs_database and "database" in failures:
            failures[name] = failures["database"]
            continue
        try:
            check()
        except Exception as error:  # whatever the failure, this check did not pass
            failures[name] = error
    return failures


def worker_problem() -> str | None:
    """What keeps the task workers from working (the database, the queue), or None: the
    worker container's health check (scripts/healthcheck --worker)."""
    failures = _failures({"database": _database, "task_queue": _task_queue})
    return "; ".join(f"{name}: {error}" for name, error in failures.items()) or None


def _object_storages() -> list:
    """The site's storages that are buckets (S3 or compatible), one per bucket."""
    buckets = {}
    for alias in ("default", "private"):
        storage = storages[alias]
        if getattr(storage, "bucket_name", None):
            buckets.setdefault(storage.bucket_name, storage)
    return list(buckets.values())


def _object_storage() -> None:
    for storage in _object_storages():
        bucket = (storage.endpoint_url, storage.bucket_name)
        asked, error = _buckets_asked.get(bucket, (float("-inf"), None))
        # One check at a time per process; meanwhile the others answer with the last
        # result: a store that hangs must not hold every request thread.
        if time.monotonic() - asked >= OBJECT_STORAGE_CHECK_SECONDS and _bucket_check.acquire(
            blocking=False
        ):
            try:
                storage.connection.meta.client.head_bucket(Bucket=storage.bucket_name)
                error = None
            except Exception as failure:  # whatever the failure, the bucket cannot serve
                error = failure
            finally:
                _buckets_asked[bucket] = (time.monotonic(), error)
                _bucket_check.release()
        if error is not None:
            raise ConnectionError(f"bucket {storage.bucket_name}: {error}")


@csrf_exempt  # a POST is told 405 by require_safe, not 403 about a cookie
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
    if _object_storages():
        checks["object_storage"] = _object_storage
    failures = _failures(checks)
    for name, error in failures.items():
        logger.warning("Readiness: %s failed: %s", name, error)
    results = {name: "failed" if name in failures else "ok" for name in checks}
    if not failures:
        status = "ok"
    elif failures.keys() <= SPARED_BY_FALLBACK:
        status = "degraded"
    else:
        status = "unavailable"
    return JsonResponse({"status": status, "checks": results},
                        status=503 if status == "unavailable" else 200)  # fmt: skip
