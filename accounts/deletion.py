"""Delete my account. At once: the member is deactivated (gone from every page and list,
signed out everywhere, their API tokens revoked). Then the task worker removes what they
left, app by app (accounts.signals.member_leaving), then the account, and a last e-mail
to their confirmed address says it is done. Reports to the moderators keep their copy
(messaging.models.Report).
"""

from functools import partial

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import translation

from accounts.models import User
from accounts.selectors import address_confirmed
from accounts.services import users_active_set
from accounts.signals import member_leaving
from core.mail import email_compose


def account_delete_start(*, user: User, task) -> None:
    """Deactivate `user` now and enqueue `task` to delete their account (the e-mail to
    send afterwards rides along: the account will be gone)."""
    farewell = {
        "email": user.email if address_confirmed(user) else "",
        "username": user.username,
        "language": user.language or translation.get_language(),
    }
    with transaction.atomic():
        users_active_set(users=User.objects.filter(pk=user.pk), active=False)
        user.api_tokens.all().delete()
        transaction.on_commit(partial(task.enqueue, user_id=user.pk, farewell=farewell))


def account_delete_run(*, user_id: int, farewell: dict) -> bool:
    """Delete the account of deactivated member `user_id` and all they left (the task
    worker's side). Nothing happens if a moderator reactivated them meanwhile."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:  # deleted by an earlier run of this task
        return True
    if user.is_active:
        return False
    member_leaving.send(sender=User, user=user)
    _files_delete(user)
    user.delete()  # what remains: notifications, tokens, jobs...
    if farewell["email"]:
        account_deleted_email(farewell).send()
    return True


def _files_delete(user: User) -> None:
    """Delete the member's avatar and their jobs' files before the rows that name them: a
    storage that fails stops the run here (the task tries again), leaving no file behind."""
    if user.avatar:
        user.avatar.delete(save=False)
    jobs = user.jobs.exclude(file="")
    for job in jobs:
        job.file.storage.delete(job.file.name)
    jobs.update(file="")


def account_deleted_email(farewell: dict) -> EmailMessage:
    """The last e-mail, in the member's language: their account is deleted."""
    return email_compose("accounts/email/deleted", farewell, to=farewell["email"],
                         language=farewell["language"])  # fmt: skip
