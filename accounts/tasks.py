"""Background tasks of the accounts app: thin, they call a service."""

import logging

from django.db import DatabaseError
from django.tasks import task

from accounts.deletion import account_delete_run
from core.files import STORAGE_FAILURES
from core.tasks import retry_later

logger = logging.getLogger(__name__)


@task
def account_delete(*, user_id: int, farewell: dict, attempt: int = 0) -> bool:
    """Delete a deactivated member's account and all they left (accounts.deletion); a
    busy or failing database, or file storage, is tried again later (what was deleted
    stays deleted)."""
    try:
        return account_delete_run(user_id=user_id, farewell=farewell)
    except (DatabaseError, *STORAGE_FAILURES):
        logger.warning("Deleting account %s failed; trying again later", user_id, exc_info=True)
        return retry_later(account_delete, attempt=attempt, user_id=user_id, farewell=farewell)
