"""Which database errors mean "busy: try again", whatever the database says it with."""

import pytest
from django.db import IntegrityError, OperationalError

from core.db import is_database_busy


@pytest.mark.parametrize(
    "text",
    [
        "database is locked",
        "deadlock detected\nDETAIL: Process 1 waits for ShareLock on transaction 2",
        "could not serialize access due to concurrent update",
        "canceling statement due to lock timeout",
    ],
)
def test_lost_races_are_busy(text):
    assert is_database_busy(OperationalError(text))


@pytest.mark.parametrize(
    "error", [OperationalError("no such table: posts_post"), IntegrityError("deadlock detected")]
)
def test_other_errors_are_not(error):
    assert not is_database_busy(error)
