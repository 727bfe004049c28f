"""Writes on messages, notifications, blocks and reports: the only way any of them changes.

Badge counts are cached (messaging.selectors.cached_unread_counts): every write that changes
what a member's badges show forgets their counts once it has committed.
"""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.tasks import default_task_backend
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import MessagesFrom
from accounts.permissions import can_manage_user
from core.db import locked
from core.ratelimit import rate_limit
from core.text import clean_text
from messaging.emails import unread_messages_email_compose
from messaging.models import Block, Conversation, Message, MessageEmail, Notification, Report
from messaging.selectors import blocks_between, unread_counts_key
from messaging.signals import member_blocked
from messaging.validators import normalize_message_body

logger = logging.getLogger(__name__)

# A scheduled e-mail whose task has not run for this long is lost (a worker's database
# was reset, say): the next message schedules another.
MESSAGE_EMAIL_STALE = timedelta(hours=1)
# When the mail server refuses, try again this much later.
MESSAGE_EMAIL_RETRY = timedelta(minutes=5)
# A report shows the moderators this many of the conversation's latest messages.
REPORTED_MESSAGES = 50


class MessageRefused(PermissionDenied):
    """The recipient does not take messages from this sender; the text says why."""


def unread_counts_forget(*, user_ids) -> None:
    """Forget these members' cached badge counts now and once the transaction commits.

    A page read between the two may cache counts from before the commit; the second
    forgetting drops them.
    """
    keys = [unread_counts_key(pk) for pk in user_ids]
    cache.delete_many(keys)
    transaction.on_commit(partial(cache.delete_many, keys))


def message_refusal(*, sender, recipient, blockers: set[int] | None = None) -> str | None:
    """Why `sender` may not write to `recipient` now, or None when they may.

    `blockers` are the ids of whichever of the two blocked the other, if already read.
    """
    if sender.pk == recipient.pk:
        return _("You cannot send a message to yourself.")
    if blockers is None:
        blockers = blocks_between(first=sender, second=recipient)
    if sender.pk in blockers:
        return _("You blocked %(name)s. Unblock them to write to them.") % {
            "name": recipient.username
        }
    if recipient.pk in blockers:
        return _("%(name)s does not accept messages from you.") % {"name": recipient.username}
    if recipient.messages_from == MessagesFrom.EVERYONE:
        return None
    # Whoever the recipient wrote to first may always answer them.
    if Message.objects.between(sender, recipient).filter(sender=recipient).exists():
        return None
    if recipient.messages_from == MessagesFrom.FOLLOWING:
        if recipient.following_set.filter(followed=sender).exists():
            return None
        return _("%(name)s only accepts messages from people they follow.") % {
            "name": recipient.username
        }
    return _("%(name)s does not accept private messages.") % {"name": recipient.username}


def message_send(*, sender, recipient, body: str) -> Message:
    """Send `body` from `sender` to `recipient` and bring both inboxes up to date.

    Raises ValidationError on a bad body, MessageRefused when the recipient does not take
    messages from the sender, and RateLimited when the sender writes too often. The same
    body again within MESSAGE_DUPLICATE_WINDOW_SECONDS (a double click, a retried request)
    gives back the first message instead of a second one.
    """
    body = normalize_message_body(body)
    if sender.pk == recipient.pk:
        raise ValidationError(_("You cannot send a message to yourself."), code="self_message")
    with transaction.atomic():
        # Sends, blocks and follows between two members (a double click, an answer
        # crossing a message, a block during a send) happen one after the other.
        pair_lock(first=sender, second=recipient)
        conversation_ids = _conversations_ensure(first=sender, second=recipient)
        refusal = message_refusal(sender=sender, recipient=recipient)
        if refusal:
            raise MessageRefused(refusal)
        since = timezone.now() - timedelta(seconds=settings.MESSAGE_DUPLICATE_WINDOW_SECONDS)
        between = Message.objects.between(sender, recipient)
        duplicate = between.filter(sender=sender, body=body, created__gte=since).first()
        if duplicate is not None:
            return duplicate
        rate_limit(scope="message", key=sender.pk, rate=settings.MESSAGE_RATE)
        message = Message.objects.create(sender=sender, recipient=recipient, body=body)
        Conversation.objects.filter(pk__in=conversation_ids).update(
            last_message=message, last_activity=message.created
        )
        notification_create(
            recipient=recipient,
            kind=Notification.Kind.MESSAGE,
            key=f"message:{message.pk}",
            actor=sender,
            data={"sender": sender.username, "message_id": message.pk},
        )
        if recipient.message_emails:
            _message_email_schedule(user=recipient, after=message.created)
    return message


def messages_bulk_create(*, messages: Iterable[Message], batch_size: int = 5000) -> int:
    """Save many prepared messages at once (demo data, imports); how many were saved.

    Bodies follow the rules of `message_send`; no rate limit, refusal, notification or
    e-mail applies. Both members' inbox lines end up on the latest message of each pair.
    """
    prepared = []
    for message in messages:
        message.body = normalize_message_body(message.body)
        prepared.append(message)
    with transaction.atomic():
        Message.objects.bulk_create(prepared, batch_size=batch_size)
        latest: dict[tuple[int, int], Message] = {}
        for message in prepared:
            for owner, other in (
                (message.sender_id, message.recipient_id),
                (message.recipient_id, message.sender_id),
            ):
                current = latest.get((owner, other))
                if current is None or (current.created, current.pk) < (message.created, message.pk):
                    latest[owner, other] = message
        owners = sorted({owner for owner, _other in latest})
        for start in range(0, len(owners), 1000):
            existing = Conversation.objects.filter(
                owner__in=owners[start : start + 1000], last_message__isnull=False
            ).values_list("owner_id", "other_id", "last_activity", "last_message_id")
            for owner, other, last_activity, last_message_id in existing:
                new = latest.get((owner, other))
                if new is not None and (new.created, new.pk) < (last_activity, last_message_id):
                    del latest[owner, other]
        Conversation.objects.bulk_create(
            [
                Conversation(
                    owner_id=owner, other_id=other, last_message=message,
                    last_activity=message.created,
                )
                for (owner, other), message in latest.items()
            ],
            batch_size=batch_size,
            update_conflicts=True,
            unique_fields=["owner", "other"],
            update_fields=["last_message", "last_activity"],
        )  # fmt: skip
    return len(prepared)


def pair_lock(*, first, second) -> None:
    """Lock both members' rows (in id order) until the transaction ends.

    Everything that must see what the pair did last takes it: sending a message, blocking,
    following. SQLite runs one writer at a time anyway.
    """
    locked(get_user_model().objects.filter(pk__in=[first.pk, second.pk]))


def _conversations_ensure(*, first, second) -> list[int]:
    """The ids of both members' conversation rows, made if missing (in owner id order)."""
    pairs = sorted([(first, second), (second, first)], key=lambda pair: pair[0].pk)
    Conversation.objects.bulk_create(
        [Conversation(owner=owner, other=other) for owner, other in pairs], ignore_conflicts=True
    )
    rows = Conversation.objects.filter(Q(owner=first, other=second) | Q(owner=second, other=first))
    return list(rows.values_list("pk", flat=True))


def messages_mark_read(*, reader, messages) -> int:
    """Mark those of `messages` sent to `reader` as read now; how many were unread.

    Two tabs reading at once mark each message once. Their notifications are read too.
    """
    ids = [m.pk for m in messages if m.recipient_id == reader.pk and m.read is None]
    if not ids:
        return 0
    with transaction.atomic():
        marked = Message.objects.filter(pk__in=ids, read__isnull=True).update(read=timezone.now())
        Notification.objects.filter(
            recipient=reader, key__in=[f"message:{pk}" for pk in ids], read__isnull=True
        ).update(read=timezone.now())
        unread_counts_forget(user_ids=[reader.pk])
    return marked


def notification_create(*, recipient, kind: str, key: str, actor=None, data=None) -> Notification:
    """Tell `recipient` that `kind` happened; the same `key` again gives the first one."""
    with transaction.atomic():
        notification, _created = Notification.objects.get_or_create(
            recipient=recipient,
            key=key,
            defaults={"kind": kind, "actor": actor, "data": data or {}},
        )
        unread_counts_forget(user_ids=[recipient.pk])
    return notification


def notifications_mark_read(*, user, until: datetime | None = None) -> int:
    """Mark `user`'s notifications (up to `until`, else all) as read; how many were unread."""
    unread = Notification.objects.filter(recipient=user, read__isnull=True)
    if until is not None:
        unread = unread.filter(created__lte=until)
    with transaction.atomic():
        marked = unread.update(read=timezone.now())
        unread_counts_forget(user_ids=[user.pk])
    return marked


def messaging_settings_update(*, user, messages_from: str, message_emails: bool) -> None:
    """Save who may write to `user` and whether they get e-mails about unread messages."""
    if messages_from not in MessagesFrom.values:
        raise ValidationError(_("Choose who may write to you."), code="invalid")
    user.messages_from = messages_from
    user.message_emails = message_emails
    user.save(update_fields=["messages_from", "message_emails"])


def block_create(*, blocker, blocked) -> Block:
    """Make `blocker` block `blocked`; idempotent. Follows between them end."""
    if blocker.pk == blocked.pk:
        raise ValidationError(_("You cannot block yourself."), code="self_block")
    existing = Block.objects.filter(blocker=blocker, blocked=blocked).first()
    if existing is not None:
        return existing
    rate_limit(scope="block", key=blocker.pk, rate=settings.BLOCK_RATE)
    with transaction.atomic():
        pair_lock(first=blocker, second=blocked)
        block, created = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
        if created:
            member_blocked.send(sender=Block, blocker=blocker, blocked=blocked)
            unread_counts_forget(user_ids=[blocker.pk])
    return block


def block_delete(*, blocker, blocked) -> bool:
    """Lift `blocker`'s block of `blocked`; True if there was one."""
    with transaction.atomic():
        deleted, _details = Block.objects.filter(blocker=blocker, blocked=blocked).delete()
        unread_counts_forget(user_ids=[blocker.pk])
    return deleted > 0


def report_create(*, reporter, reported, reason: str = "") -> Report:
    """Report the conversation with `reported` to the moderators, with its latest messages."""
    if reporter.pk == reported.pk:
        raise ValidationError(_("You cannot report yourself."), code="self_report")
    reason = clean_text(reason)
    if len(reason) > settings.REPORT_REASON_MAX_LENGTH:
        raise ValidationError(
            _("A reason has at most %(limit)d characters.")
            % {"limit": settings.REPORT_REASON_MAX_LENGTH},
            code="too_long",
        )
    latest = Message.objects.between(reporter, reported).order_by("-created", "-id")
    messages = list(latest.values_list("pk", flat=True)[:REPORTED_MESSAGES])
    if not messages:
        raise ValidationError(
            _("There is nothing to report: you have no messages with %(name)s.")
            % {"name": reported.username},
            code="empty",
        )
    rate_limit(scope="report", key=reporter.pk, rate=settings.REPORT_RATE)
    with transaction.atomic():
        report = Report.objects.create(reporter=reporter, reported=reported, reason=reason)
        report.messages.set(messages)
    return report


def report_resolve(*, report: Report, moderator) -> Report:
    """Mark `report` as dealt with by `moderator`, who may act on the reported member.

    Moderators never settle reports about themselves, staff or superusers.
    """
    if not can_manage_user(moderator, report.reported):
        raise PermissionDenied(_("Only a superuser can resolve this report."))
    Report.objects.filter(pk=report.pk, resolved__isnull=True).update(
        resolved=timezone.now(), resolved_by=moderator
    )
    report.refresh_from_db()
    return report


def _message_email_schedule(*, user, after: datetime) -> None:
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

    Nothing is sent when they came back or read everything meanwhile, or turned the
    e-mails off; while they are around, the e-mail waits until they have been away long
    enough. A mail server that refuses is tried again a few minutes later.
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
        if wanted and user.email:
            email = unread_messages_email_compose(user=user, since=state.last_sent)
        if email is None:
            state.due = None
            state.save(update_fields=["due"])
            return False
        try:
            email.send()
        except Exception:  # any mail server or ESP failure: keep the batch, try later
            logger.warning("Unread messages e-mail to %s not sent", user_id, exc_info=True)
            state.due = now + MESSAGE_EMAIL_RETRY
            state.save(update_fields=["due"])
            _message_email_enqueue(user_id=user_id, due=state.due)
            return False
        state.due = None
        state.last_sent = now
        state.save(update_fields=["due", "last_sent"])
    return True
