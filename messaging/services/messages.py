"""Writes on private messages: sending, reading, the pair's lock, the inbox lines."""

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import MessagesFrom
from core.ratelimit import rate_limit
from messaging.live import push_message_sent
from messaging.models import Conversation, Message, Notification
from messaging.selectors import blocks_between
from messaging.services.message_emails import message_email_schedule
from messaging.services.notifications import notification_create, unread_counts_changed
from messaging.validators import normalize_message_body


class MessageRefused(PermissionDenied):
    """The recipient does not take messages from this sender; the text says why."""


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
            message_email_schedule(user=recipient, after=message.created)
        push_message_sent(message=message)
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


def pair_lock(*, first, second) -> dict[int, bool]:
    """Lock both members' rows (in id order) until the transaction ends; whether each is
    active, as locked.

    Everything that must see what the pair did last takes it: sending a message, blocking,
    following, unfollowing. It locks no key, so the members' own posts and notifications
    (rows that point at them) are not held up. SQLite runs one writer at a time anyway.
    """
    rows = get_user_model().objects.filter(pk__in=[first.pk, second.pk])
    return dict(rows.select_for_update(no_key=True).order_by("pk").values_list("pk", "is_active"))


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
        unread_counts_changed(user_ids=[reader.pk])
    return marked


def messaging_settings_update(*, user, messages_from: str, message_emails: bool) -> None:
    """Save who may write to `user` and whether they get e-mails about unread messages."""
    if messages_from not in MessagesFrom.values:
        raise ValidationError(_("Choose who may write to you."), code="invalid")
    user.messages_from = messages_from
    user.message_emails = message_emails
    user.save(update_fields=["messages_from", "message_emails"])
