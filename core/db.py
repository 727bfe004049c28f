"""Database helpers: writes that must never fail a request, and a busy database."""

import logging
from contextlib import contextmanager

from django.db import DatabaseError, OperationalError, connection, transaction

logger = logging.getLogger(__name__)

# How long a bookkeeping write waits for a busy SQLite database before giving up.
BOOKKEEPING_WAIT_MS = 250


@contextmanager
def bookkeeping():
    """Run a write that is nice to have (last seen, last used): skipped if the database is busy.

    On SQLite the write waits at most BOOKKEEPING_WAIT_MS instead of the full busy timeout,
    so that a member's page is not held up by another writer. A savepoint keeps a failure
    from spoiling an enclosing transaction.
    """
    sqlite = connection.vendor == "sqlite"
    try:
        if sqlite:
            _set_busy_timeout(BOOKKEEPING_WAIT_MS)
        try:
            with transaction.atomic():
                yield
        finally:
            if sqlite:
                _set_busy_timeout(connection.settings_dict["OPTIONS"].get("timeout", 5) * 1000)
    except DatabaseError as error:
        logger.warning("Skipped a bookkeeping write: %s", error)


def _set_busy_timeout(milliseconds: float) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")


def is_database_busy(error: Exception) -> bool:
    """Whether a database error means "another writer holds the lock; try again soon"."""
    if not isinstance(error, OperationalError):
        return False
    text = str(error).lower()
    return "database is locked" in text or "lock timeout" in text or "could not obtain lock" in text
