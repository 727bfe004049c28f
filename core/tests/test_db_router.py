"""The read replica: which database a request, a task or a command reads and writes.

The replica here is Django's test mirror of the default database (conftest.py's
replica_database, for this module only): the same rows through a connection of its own,
so each test sees on which connection every query ran. Transactional tests: a test
wrapped in a transaction would keep its rows from the replica's connection, and would
send every read to the primary (inside an atomic block).
"""

import json
from ast import literal_eval
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connections, transaction
from django.http import JsonResponse
from django.tasks import task
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core.db_router import (
    PIN_COOKIE,
    REPLICA_REST_SECONDS,
    ReplicaMiddleware,
    ReplicaRouter,
    replica_breaker,
)
from posts.models import Post
from posts.tests.factories import PostFactory

pytestmark = [
    pytest.mark.usefixtures("replica_database"),
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]

ROUTER = "core.db_router.ReplicaRouter"
MIDDLEWARE = "core.db_router.ReplicaMiddleware"


@task
def count_posts():
    """How many posts there are (a task that reads)."""
    return Post.objects.count()


@pytest.fixture
def routed(settings):
    """The site as DATABASE_REPLICA_URL configures it: the router and its middleware on."""
    settings.DATABASE_ROUTERS = [ROUTER]
    sessions = settings.MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware")
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[:sessions],
        MIDDLEWARE,
        *settings.MIDDLEWARE[sessions:],
    ]
    settings.DATABASE_REPLICA_PIN_SECONDS = 5


class Captured:
    """The SQL each database ran."""

    def __init__(self, primary, replica):
        self._primary, self._replica = primary, replica

    @property
    def primary(self) -> list[str]:
        """Statements the primary ran."""
        return [query["sql"] for query in self._primary.captured_queries]

    @property
    def replica(self) -> list[str]:
        """Statements the replica ran."""
        return [query["sql"] for query in self._replica.captured_queries]


@contextmanager
def captured():
    """Record the queries of both databases."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        yield Captured(primary, replica)


def reads_posts(statements: list[str]) -> bool:
    """Whether one of the statements reads the posts."""
    return any(s.startswith("SELECT") and '"posts_post"' in s for s in statements)


def test_a_visitors_explore_is_read_from_the_replica(client, routed):
    PostFactory(body="Written to the primary, read from the replica")

    with captured() as queries:
        response = client.get(reverse("explore"))

    assert "Written to the primary, read from the replica" in response.content.decode()
    assert reads_posts(queries.replica)
    assert queries.primary == []
    assert PIN_COOKIE not in response.cookies


def test_a_members_page_is_read_from_the_replica(member_client, user, routed):
    with captured() as queries:
        response = member_client.get(reverse("explore"))

    assert response.status_code == 200
    assert reads_posts(queries.replica)
    assert any('"accounts_user"' in s for s in queries.replica)
    # Only the badge counts, raw SQL on the primary's connection: never cached stale.
    assert [s for s in queries.primary if "messaging_message" not in s] == []


def test_a_post_reads_and_writes_the_primary_then_its_member_reads_it_for_a_while(
    member_client, user, routed
):
    with captured() as queries:
        response = member_client.post(reverse("home"), {"body": "Fresh off the press"})

    assert response.status_code in (302, 303)
    assert queries.replica == []
    assert any(s.startswith("INSERT") and '"posts_post"' in s for s in queries.primary)
    pin = response.cookies[PIN_COOKIE]
    assert (pin["max-age"], pin["httponly"], pin["samesite"]) == (5, True, "Lax")

    with captured() as queries:
        page = member_client.get(reverse("home"))  # the redirect, while the replica may lag

    assert "Fresh off the press" in page.content.decode()
    assert reads_posts(queries.primary)
    assert queries.replica == []


def test_a_read_after_a_write_in_the_same_request_goes_to_the_primary(client, routed):
    member = UserFactory(last_seen=timezone.now() - timedelta(days=1))  # to be marked seen
    client.force_login(member)

    with captured() as queries:
        response = client.get(reverse("explore"))

    assert any(s.startswith("UPDATE") and '"accounts_user"' in s for s in queries.primary)
    assert reads_posts(queries.primary)
    assert not reads_posts(queries.replica)
    assert PIN_COOKIE in response.cookies


def test_transactions_and_locks_use_the_primary(routed):
    def view(request):
        seen = {"read": Post.objects.all().db}
        with transaction.atomic():
            seen["read in a transaction"] = Post.objects.all().db
        seen["read after it"] = Post.objects.all().db
        seen["locking read"] = Post.objects.select_for_update().db
        seen["read after a lock, which means a write"] = Post.objects.all().db
        return JsonResponse(seen)

    response = ReplicaMiddleware(view)(RequestFactory().get("/"))

    assert json.loads(response.content) == {
        "read": "replica",
        "read in a transaction": "default",
        "read after it": "replica",
        "locking read": "default",
        "read after a lock, which means a write": "default",
    }


def test_sessions_and_the_task_queue_are_read_from_the_primary(routed):
    def view(request):
        from django.contrib.sessions.models import Session
        from django_tasks_db.models import DBTaskResult

        return JsonResponse(
            {"session": Session.objects.all().db, "tasks": DBTaskResult.objects.all().db}
        )

    response = ReplicaMiddleware(view)(RequestFactory().get("/"))

    assert json.loads(response.content) == {"session": "default", "tasks": "default"}


def test_outside_a_request_everything_uses_the_primary(routed, settings):
    # The task worker, management commands and WebSocket consumers: no request, no replica.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    PostFactory()
    result = count_posts.enqueue()

    with captured() as queries:
        call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)

    result.refresh()
    assert result.return_value == 1
    assert queries.replica == []
    assert reads_posts(queries.primary)


def test_migrations_run_on_the_primary_only():
    router = ReplicaRouter()

    assert router.allow_migrate("default", "posts")
    assert not router.allow_migrate("replica", "posts")


def test_readyz_checks_the_replica(client, routed, settings, request):
    settings.DATABASE_REPLICA_URL = "postgres://replica.example/microblog"

    assert client.get("/readyz").json()["checks"]["database_replica"] == "ok"

    request.getfixturevalue("replica_down")
    response = client.get("/readyz")
    # Pages read the primary meanwhile: the load balancer should keep sending requests.
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["database_replica"] == "failed"
    assert response.json()["checks"]["database"] == "ok"


def test_pages_read_the_primary_while_the_replica_is_down(client, routed, replica_down, caplog):
    PostFactory(body="Served whatever the replica does")

    for _ in range(2):
        with CaptureQueriesContext(connections["default"]) as primary:
            response = client.get(reverse("explore"))
        assert response.status_code == 200
        assert "Served whatever the replica does" in response.content.decode()
        assert reads_posts([query["sql"] for query in primary.captured_queries])
    # The second page did not try the replica again (it would have failed and said so).
    assert replica_failures(caplog) == 1
    assert PIN_COOKIE not in response.cookies  # a visitor who wrote nothing is not pinned

    replica_breaker.open_until -= REPLICA_REST_SECONDS  # time passes
    assert client.get(reverse("explore")).status_code == 200
    assert replica_failures(caplog) == 2  # tried again, failed again, served from the primary


def replica_failures(caplog) -> int:
    """How many times the log said the replica could not be reached."""
    return sum("read replica cannot be reached" in r.getMessage() for r in caplog.records)


def test_a_view_runs_once_whether_the_replica_answers_or_not(routed, replica_down):
    # A view run twice would count a rate limit twice, among others.
    PostFactory(body="Read once")
    runs = []

    def view(request):
        runs.append(request.path)
        return JsonResponse({"bodies": [post.body for post in Post.objects.all()],
                             "read from": Post.objects.all().db})  # fmt: skip

    response = ReplicaMiddleware(view)(RequestFactory().get("/"))

    assert json.loads(response.content) == {"bodies": ["Read once"], "read from": "default"}
    assert runs == ["/"]


@pytest.mark.django_db(databases=[])
def test_without_a_replica_url_there_is_no_replica(setting_with):
    assert literal_eval(setting_with("DATABASE_ROUTERS")) == []
    assert "replica" not in literal_eval(setting_with("DATABASES"))
    assert MIDDLEWARE not in literal_eval(setting_with("MIDDLEWARE"))


@pytest.mark.django_db(databases=[])
def test_a_replica_url_wires_the_replica(setting_with):
    env = {
        "DATABASE_URL": "postgres://app@primary.example:5432/microblog",
        "DATABASE_REPLICA_URL": "postgres://app@replica.example:5432/microblog",
        "DATABASE_POOL_SIZE": "7",
    }
    replica = literal_eval(setting_with("DATABASES['replica'] | {'OPTIONS': None}", **env))
    pool = "DATABASES['replica']['OPTIONS']['pool']"
    middleware = literal_eval(setting_with("MIDDLEWARE", **env))

    assert (replica["HOST"], replica["NAME"], replica["CONN_MAX_AGE"]) == (
        "replica.example",
        "microblog",
        0,
    )
    assert literal_eval(setting_with(f"{pool} | {{'check': None}}", **env)) == {
        "min_size": 1,
        "max_size": 7,
        "timeout": 1,
        "reconnect_timeout": 5,
        "check": None,
    }
    assert setting_with(f"{pool}['check'].__class__.__name__", **env) == "'PoolCheck'"
    assert setting_with(f"{pool}['check'].alias", **env) == "'replica'"
    assert literal_eval(setting_with("DATABASE_ROUTERS", **env)) == [ROUTER]
    sessions = middleware.index("django.contrib.sessions.middleware.SessionMiddleware")
    assert middleware[sessions - 1] == MIDDLEWARE


@pytest.mark.django_db(databases=[])
def test_the_replica_takes_the_timeouts_not_the_primarys_own_options(setting_with):
    """A primary's `target_session_attrs=read-write` would make every replica connection
    fail ("session is read-only"): the replica has its own URL's options."""
    env = {
        "DATABASE_URL": "postgres://app@primary/microblog?target_session_attrs=read-write",
        "DATABASE_REPLICA_URL": "postgres://app@replica/microblog?application_name=replica",
    }
    options = literal_eval(setting_with("DATABASES['replica']['OPTIONS'] | {'pool': None}", **env))

    assert "target_session_attrs" not in options
    assert (options["application_name"], options["connect_timeout"]) == ("replica", 5)


@pytest.mark.django_db(databases=[])
def test_a_replica_needs_postgresql(run_settings):
    result = run_settings(DATABASE_REPLICA_URL="postgres://app@replica.example/microblog")

    assert result.returncode != 0
    assert "DATABASE_REPLICA_URL needs a PostgreSQL DATABASE_URL" in result.stderr
