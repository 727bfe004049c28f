"""Database helpers: writes that must never fail a request, a busy database, row locks."""

import logging
from collections.abc import Callable

from django.db import DatabaseError, OperationalError, connection, transaction
from django.db.models import QuerySet

logger = logging.getLogger(__name__)

# How long a bookkeeping write waits for a busy SQLite database before giving up.
BOOKKEEPING_WAIT_MS = 250


def bookkeeping_write(write: Callable[[], object]) -> bool:
    """Run `write`, a write that is nice to have (last seen, last used); False if skipped.

    When the database is busy the write is skipped, never the request: on SQLite it waits
    at most BOOKKEEPING_WAIT_MS instead of the full busy timeout, and a savepoint keeps a
    failure from spoiling an enclosing transaction.
    """
    sqlite = connection.vendor == "sqlite"
    try:
        if sqlite:
            _set_busy_timeout(BOOKKEEPING_WAIT_MS)
        try:
            with transaction.atomic():
                write()
        finally:
            if sqlite:
                _set_busy_timeout(connection.settings_dict["OPTIONS"].get("timeout", 5) * 1000)
    except DatabaseError as error:
        logger.warning("Skipped a bookkeeping write: %s", error)
        return False
    return True


def _set_busy_timeout(milliseconds: float) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")


# What databases say when a write lost to a concurrent one and would succeed if retried.
BUSY_ERRORS = (
    "database is locked",  # SQLite
    "lock timeout",
    "could not obtain lock",
    "deadlock detected",  # PostgreSQL
    "could not serialize access",
)


def is_database_busy(error: Exception) -> bool:
    """Whether a database error means "another writer is in the way; try again soon"."""
    return _says(error, BUSY_ERRORS)


# What the database or psycopg's pool says when the server cannot be reached (stopped,
# restarting, failed over, or every pooled connection waited for in vain).
UNAVAILABLE_ERRORS = (
    "connection failed",
    "connection refused",
    "could not connect",
    "terminating connection",
    "server closed the connection",
    "the connection is closed",
    "the connection is lost",
    "consuming input failed",
    "couldn't get a connection",
    "the database system is starting up",
    "the database system is shutting down",
    "the database system is in recovery mode",
    "unable to open database file",  # SQLite
)


def is_database_unavailable(error: Exception) -> bool:
    """Whether a database error means "the database cannot be reached now; try again soon"."""
    return _says(error, UNAVAILABLE_ERRORS)


def _says(error: Exception, phrases: tuple[str, ...]) -> bool:
    if not isinstance(error, OperationalError):
        return False
    text = str(error).lower()
    return any(phrase in text for phrase in phrases)


def locked(queryset: QuerySet) -> QuerySet:
    """`queryset`, once its rows are locked (in id order) until the transaction ends.

    Under PostgreSQL's READ COMMITTED, an UPDATE that counts rows of other tables takes its
    snapshot before it waits for the rows it updates: locking them first, in a statement of
    its own, makes the count see what the writers it waited for committed. (SQLite runs one
    writer at a time.)
    """
    list(queryset.select_for_update().order_by("pk").values_list("pk", flat=True))
    return queryset


# Rows deleted per transaction by `batches_delete`.
DELETE_BATCH = 1000


def batches_delete(queryset: QuerySet) -> int:
    """Delete `queryset` DELETE_BATCH rows per transaction (signals sent, memory bounded,
    no long lock); how many rows went."""
    deleted = 0
    model = queryset.model
    while ids := list(queryset.order_by("pk").values_list("pk", flat=True)[:DELETE_BATCH]):
        with transaction.atomic():
            deleted += model._base_manager.filter(pk__in=ids).delete()[0]
    return deleted
