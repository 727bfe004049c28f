"""Reads of messages, inboxes, notifications and blocks.

Members who left (deactivated) and members one blocked disappear from one's inbox, counts
and notifications, as they do from the rest of the site.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q, QuerySet

from messaging.models import Block, Conversation, Message, Notification

# Badges show "99+" past this: counting further would cost more and say nothing.
UNREAD_COUNT_CAP = 100
UNREAD_COUNTS_CACHE_SECONDS = 300


@dataclass(frozen=True)
class UnreadCounts:
    """What the navbar's badges show: unread messages and notifications (capped)."""

    messages: int
    notifications: int

    @property
    def total(self) -> int:
        """Both together (the collapsed navbar's menu button shows it)."""
        return self.messages + self.notifications


def blocked_ids(*, user) -> QuerySet:
    """The ids of the members `user` blocked (a subquery)."""
    return Block.objects.filter(blocker=user).values("blocked_id")


def inbox_conversations(*, user) -> QuerySet[Conversation]:
    """`user`'s conversations, newest activity first, with the other member and last message."""
    return (
        Conversation.objects.filter(owner=user, last_message__isnull=False, other__is_active=True)
        .exclude(other__in=blocked_ids(user=user))
        .select_related("other", "last_message")
        .order_by("-last_activity", "-id")
    )


def conversation_messages(*, user, other) -> QuerySet[Message]:
    """The messages between `user` and `other`, newest first."""
    return Message.objects.between(user, other).order_by("-created", "-id")


def unread_by_sender(*, user, senders) -> dict[int, int]:
    """How many unread messages `user` has from each of `senders` (one query)."""
    if not senders:
        return {}
    rows = (
        Message.objects.filter(recipient=user, read__isnull=True, sender__in=senders)
        .order_by()
        .values_list("sender_id")
        .annotate(n=Count("pk"))
    )
    return dict(rows)


def unread_messages(*, user) -> QuerySet[Message]:
    """Messages to `user` not read yet, from members they can see."""
    return Message.objects.filter(
        recipient=user, read__isnull=True, sender__is_active=True
    ).exclude(sender__in=blocked_ids(user=user))


def notifications_for(*, user) -> QuerySet[Notification]:
    """`user`'s notifications, newest first, with whoever caused them."""
    return (
        Notification.objects.filter(recipient=user)
        .filter(Q(actor__isnull=True) | Q(actor__is_active=True))
        .exclude(actor__in=blocked_ids(user=user))
        .select_related("actor")
        .order_by("-created", "-id")
    )


def unread_counts(*, user) -> UnreadCounts:
    """Both badge counts of `user`, fresh from the database, in one query.

    Notifications of new messages are not in the bell's count: the messages badge has them.
    """
    parts = [
        unread_messages(user=user).values("pk")[:UNREAD_COUNT_CAP],
        notifications_for(user=user)
        .filter(read__isnull=True)
        .exclude(kind=Notification.Kind.MESSAGE)
        .values("pk")[:UNREAD_COUNT_CAP],
    ]
    compiled = [part.query.sql_with_params() for part in parts]
    sql = "SELECT " + ", ".join(
        f"(SELECT COUNT(*) FROM ({part}) AS c{i})" for i, (part, _params) in enumerate(compiled)
    )
    params = [param for _sql, part_params in compiled for param in part_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        messages, notifications = cursor.fetchone()
    return UnreadCounts(messages=messages, notifications=notifications)


def unread_counts_keys(user_id: int) -> tuple[str, str]:
    """The cache keys of a member's badge counts: their version, and the counts."""
    return f"unread-version:{user_id}", f"unread-counts:{user_id}"


def cached_unread_counts(*, user, fresh: bool = False) -> UnreadCounts:
    """Both badge counts of `user`: from the shared cache, else (or if `fresh`) one query,
    then cached. The polling answer asks for fresh counts: they also catch what no write
    forgot (a sender deactivated since) for the next page.

    Counts are kept with the version they were counted at; a write that changes them
    moves the version on (messaging.services.notifications.unread_counts_changed), so
    counts read before a write and stored after it are never used.
    """
    version_key, counts_key = unread_counts_keys(user.pk)
    cached = cache.get_many([version_key, counts_key])
    version = cached.get(version_key, 0)
    entry = cached.get(counts_key)
    if not fresh and entry is not None and entry[0] == version:
        return UnreadCounts(*entry[1:])
    counts = unread_counts(user=user)
    entry = (version, counts.messages, counts.notifications)
    cache.set(counts_key, entry, UNREAD_COUNTS_CACHE_SECONDS)
    return counts


def block_exists(*, blocker, blocked) -> bool:
    """Whether `blocker` blocked `blocked`."""
    return Block.objects.filter(blocker=blocker, blocked=blocked).exists()


def blocks_between(*, first, second) -> set[int]:
    """The ids of whichever of the two members blocked the other (one query)."""
    pairs = Q(blocker=first, blocked=second) | Q(blocker=second, blocked=first)
    return set(Block.objects.filter(pairs).order_by().values_list("blocker_id", flat=True))


def blocks_of(*, user) -> QuerySet[Block]:
    """The blocks `user` made, newest first, with the blocked members."""
    return (
        Block.objects.filter(blocker=user, blocked__is_active=True)
        .select_related("blocked")
        .order_by("-created", "-id")
    )
