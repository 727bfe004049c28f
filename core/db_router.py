"""Reads of safe web requests from a read replica (DATABASE_REPLICA_URL); everything else
from the primary.

A replica is a little behind the primary (its lag). Most pages do not mind a post that
shows up a second late; a member who just posted and is redirected to their profile does.
So the replica is opt-in, per request: ReplicaMiddleware lets a GET or HEAD read from it
unless the client wrote within DATABASE_REPLICA_PIN_SECONDS (a short-lived cookie set after
any unsafe request or any write, the approach of django-multidb-router's pinning). Within
a request, a write sends its later reads to the primary too, and so does an open
transaction (atomic block), whose reads must see its own writes and lock what they
select (select_for_update is a write-side query: it always goes to the primary). Every
other caller reads the primary: the task worker (a job reads what it or the request
before it just wrote, and claims tasks under row locks), management commands, and
WebSocket consumers (they render what was just pushed to them, seconds old at most).
Sessions, the database cache, the task queue and the database channel layer live on the
primary whoever reads them: they are read right after being written, by design. So does
raw SQL run through `django.db.connection` (the navbar's badge counts): it is the
primary's connection, which matters there, since counts read from a lagging replica
would be cached as fresh.

A replica that cannot be reached fails no page: a request's first read from it gets a
connection first (from the pool, waiting at most a second), and when there is none, the
request and the process read the primary, for REPLICA_REST_SECONDS, before the process
tries the replica again (each finds out for itself: no shared state to ask on every
request). Nothing is read twice and no view runs twice. A replica that fails in the middle
of a request fails that request (a 503), as the primary would.

Not django-multidb-router itself: it routes every read outside a pinned request (the
worker's too) to a replica, and pins per thread rather than per context.
"""

import logging
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from core.process_breaker import ProcessBreaker

logger = logging.getLogger(__name__)

REPLICA = "replica"
PIN_COOKIE = "mb_primary"
# How long a process reads the primary only after the replica failed one of its requests.
REPLICA_REST_SECONDS = 30
# Read right after they are written, whoever reads them: never from a replica.
PRIMARY_ONLY_APPS = {
    "sessions",
    "django_cache",  # the database cache's table
    "django_tasks_database",  # django_tasks_db's queue and results
    "core",  # the database channel layer's pushes
}


class _Request:
    """What the router knows of the request under way: may it read the replica, is the
    replica's connection known to work, did it write."""

    __slots__ = ("connected", "replica", "wrote")

    def __init__(self, *, replica: bool):
        self.replica = replica
        self.connected = False
        self.wrote = False

    def replica_reachable(self) -> bool:
        """Whether the replica gives a connection; if not, the primary serves the request
        and this process leaves the replica alone for REPLICA_REST_SECONDS."""
        if not self.connected:
            try:
                connections[REPLICA].ensure_connection()
            except DatabaseError as error:
                replica_breaker.failed()
                logger.warning(
                    "The read replica cannot be reached (%s): this process reads the primary"
                    " for %s s.",
                    str(error).strip(),
                    REPLICA_REST_SECONDS,
                )
                self.replica = False
                return False
            self.connected = True
        return True


# This process's memory of a replica that failed it.
replica_breaker = ProcessBreaker(cooldown_seconds=REPLICA_REST_SECONDS)


_request: ContextVar[_Request | None] = ContextVar("replica_request", default=None)


class ReplicaRouter:
    """Send a safe request's reads to the replica while it has written nothing; all else to
    the primary. Migrations run on the primary only."""

    def db_for_read(self, model, **hints):
        """The replica for a safe, unpinned request outside a transaction; else the primary."""
        request = _request.get()
        if (
            request is not None
            and request.replica
            and model._meta.app_label not in PRIMARY_ONLY_APPS
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
            and request.replica_reachable()
        ):
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        """The primary; a member's write pins their reads to it from now on."""
        request = _request.get()
        if request is not None and model._meta.app_label not in PRIMARY_ONLY_APPS:
            request.replica = False
            request.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        """Rows read from either database are the same rows."""
        return True

    def allow_migrate(self, db, app_label, **hints):
        """The schema is migrated on the primary; the replica follows it."""
        return db == DEFAULT_DB_ALIAS


class ReplicaMiddleware:
    """Let a safe request read the replica unless its client wrote in the last few seconds,
    and pin a client that writes (cookie) for DATABASE_REPLICA_PIN_SECONDS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        safe = request.method in ("GET", "HEAD", "OPTIONS")
        state = _Request(
            replica=safe and PIN_COOKIE not in request.COOKIES and not replica_breaker.is_open
        )
        token = _request.set(state)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        if not safe or state.wrote:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.DATABASE_REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
