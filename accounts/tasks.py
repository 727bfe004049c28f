"""Background tasks of the accounts app: thin, they call a service."""

from django.tasks import task

from accounts.deletion import account_delete_run


@task
def account_delete(*, user_id: int, farewell: dict) -> bool:
    """Delete a deactivated member's account and all they left (accounts.deletion)."""
    return account_delete_run(user_id=user_id, farewell=farewell)
