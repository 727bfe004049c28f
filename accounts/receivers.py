"""What the accounts app does when a session may have ended (its sockets check again), and
when a job goes (its file with it)."""

from functools import partial

from django.contrib.auth import get_user_model
from django.db import transaction

from core import live
from core.files import file_delete_quietly

SESSION_FIELDS = {"password", "is_active"}


def sockets_recheck_on_logout(*, user, **kwargs) -> None:
    """Logging out ends that session: its open pages stop hearing the member's streams."""
    if user is not None:
        live.sockets_recheck_on_commit(user_id=user.pk)


def sockets_recheck_on_credentials(*, instance, update_fields=None, **kwargs) -> None:
    """A new password or a deactivation ends sessions: their sockets must notice.

    Compares with the saved row, unless the save names fields that cannot end a session.
    """
    if instance.pk is None or (
        update_fields and not {"password", "is_active"} & set(update_fields)
    ):
        return
    saved = get_user_model().objects.filter(pk=instance.pk).values("password", "is_active").first()
    if saved and (saved["password"], saved["is_active"]) != (instance.password, instance.is_active):
        live.sockets_recheck_on_commit(user_id=instance.pk)


def job_file_delete(*, instance, **kwargs) -> None:
    """A job deleted (by itself, or with its member) takes its file along, once committed;
    a storage that fails then leaves the file behind, logged (housekeeping and account
    deletion remove files first, so that they can try again)."""
    if instance.file:
        transaction.on_commit(
            partial(file_delete_quietly, instance.file.storage, instance.file.name)
        )
