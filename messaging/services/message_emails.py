"""E-mails about unread messages: scheduled per batch, sent by the task worker."""

import logging
from datetime import datetime, timedelta
from functools import partial
from smtplib import SMTPRecipientsRefused

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.tasks import default_task_backend
from django.utils import timezone

from accounts.selectors import address_confirmed
from messaging.emails import unread_messages_email_compose
from messaging.models import MessageEmail

logger = logging.getLogger(__name__)


# A scheduled e-mail whose task has not run for this long is lost (a worker's database
# was reset, say): the next message schedules another.
MESSAGE_EMAIL_STALE = timedelta(hours=1)


# When the mail server refuses, try again this much later.
MESSAGE_EMAIL_RETRY = timedelta(minutes=5)


def message_email_schedule(*, user, after: datetime) -> None:
    """Schedule `user`'s next e-mail about unread messages, unless one is scheduled.

    Only a task backend that runs tasks later (django-tasks-db's) can wait for the member
    to be away; with another (the tests' immediate one) no e-mail is scheduled.
    """
    if not default_task_backend.supports_defer:
        return
    state, _created = MessageEmail.objects.get_or_create(user=user)
    away = timedelta(seconds=settings.MESSAGE_EMAIL_AWAY_SECONDS)
    batch = timedelta(seconds=settings.MESSAGE_EMAIL_BATCH_SECONDS)
    due = max(after, user.last_seen or after) + away
    if state.last_sent:
        due = max(due, state.last_sent + batch)
    scheduled = (
        MessageEmail.objects.filter(user=user)
        .filter(Q(due__isnull=True) | Q(due__lt=after - MESSAGE_EMAIL_STALE))
        .update(due=due)
    )
    if scheduled:
        _message_email_enqueue(user_id=user.pk, due=due)


def _message_email_enqueue(*, user_id: int, due: datetime) -> None:
    """Run the e-mail task for `user_id` at `due`, once the transaction commits."""
    # Imported here: the task module imports this one (tasks call services).
    from messaging.tasks import unread_messages_email

    task = unread_messages_email.using(run_after=due)
    # Robust: the message is saved whatever happens to the e-mail (the next one retries).
    transaction.on_commit(partial(task.enqueue, user_id=user_id), robust=True)


def unread_messages_email_send(*, user_id: int, now: datetime | None = None) -> bool:
    """Send the member their due e-mail about unread messages; True if one went out.

    Nothing is sent when they came back or read everything meanwhile, turned the e-mails
    off, or have no confirmed address; while they are around, the e-mail waits until they
    have been away long enough. The batch is claimed in a short transaction and sent
    after it (a slow mail server never holds the database); a mail server that fails is
    tried again a few minutes later, one that refuses the address is not.
    """
    now = now or timezone.now()
    with transaction.atomic():
        state = MessageEmail.objects.select_for_update().filter(user_id=user_id).first()
        if state is None or state.due is None:
            return False
        user = get_user_model().objects.get(pk=user_id)
        away = timedelta(seconds=settings.MESSAGE_EMAIL_AWAY_SECONDS)
        wanted = user.is_active and user.message_emails
        if wanted and user.last_seen and user.last_seen + away > now:
            state.due = user.last_seen + away
            state.save(update_fields=["due"])
            _message_email_enqueue(user_id=user_id, due=state.due)
            return False
        email = None
        if wanted and address_confirmed(user):
            email = unread_messages_email_compose(user=user, since=state.last_sent)
        previous = state.last_sent
        # Claimed: a message that comes while the e-mail goes out schedules the next one.
        state.due = None
        if email is not None:
            state.last_sent = now
        state.save(update_fields=["due", "last_sent"])
    if email is None:
        return False
    try:
        email.send()
    except SMTPRecipientsRefused:
        logger.warning("Unread messages e-mail to %s refused for its address", user_id)
        return False
    except Exception:  # any other mail server or ESP failure: keep the batch, try later
        logger.warning("Unread messages e-mail to %s not sent", user_id, exc_info=True)
        with transaction.atomic():
            retry = now + MESSAGE_EMAIL_RETRY
            MessageEmail.objects.filter(user_id=user_id, last_sent=now).update(
                last_sent=previous, due=retry
            )
            _message_email_enqueue(user_id=user_id, due=retry)
        return False
    return True
