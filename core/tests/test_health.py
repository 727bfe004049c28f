"""/healthz and /readyz: JSON for load balancers, 503 naming what failed."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from elasticsearch.dsl.connections import connections

from core.health import worker_problem
from core.tasks import housekeeping
from deploy.stack import free_port

pytestmark = pytest.mark.django_db


def test_healthz_asks_nothing_of_anyone(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert len(queries) == 0
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_a_probe_with_another_method_is_told_which_ones_it_may_use(path):
    response = Client(enforce_csrf_checks=True).post(path)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_readyz_when_all_is_well(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok",
                                                         "task_queue": "ok"}}  # fmt: skip


@pytest.mark.skipif(settings.SQLITE, reason="PostgreSQL's connection pool")
@pytest.mark.django_db(transaction=True)
def test_readyz_in_a_process_that_has_not_read_anything_yet(client):
    connection.close()
    connection.close_pool()  # Django opens a new one at the process's first query

    response = client.get("/readyz")

    assert (response.status_code, response.json()["checks"]["database"]) == (200, "ok")


def test_readyz_asks_nothing_more_of_a_database_it_cannot_reach(client, settings, monkeypatch):
    """The task queue (and a database cache) would each wait for a connection in vain."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    def unreachable():
        raise OperationalError("connection refused")

    monkeypatch.setattr("core.health._database", unreachable)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["task_queue"] == "failed"
    assert not [query for query in queries if "django_tasks" in query["sql"]]


def test_readyz_says_when_no_worker_works_the_queue(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    result = housekeeping.enqueue()
    assert client.get("/readyz").status_code == 200  # just queued: fine
    DBTaskResult.objects.filter(pk=result.id).update(
        enqueued_at=timezone.now() - timedelta(minutes=6)
    )
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["task_queue"] == "failed"


def test_readyz_names_an_unreachable_redis_and_elasticsearch(client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{free_port()}"
    connections.configure(default={"hosts": settings.ELASTICSEARCH_URL, "max_retries": 0,
                                   "request_timeout": 1})  # fmt: skip
    try:
        response = client.get("/readyz")
    finally:
        connections.configure(**settings.ELASTICSEARCH_DSL)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert (body["checks"]["redis"], body["checks"]["elasticsearch"]) == ("failed", "failed")
    assert body["checks"]["database"] == "ok"


def test_worker_problem_names_a_queue_nobody_works(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert worker_problem() is None
    result = housekeeping.enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(
        enqueued_at=timezone.now() - timedelta(minutes=6)
    )
    assert worker_problem() == "task_queue: tasks are waiting for a worker"
