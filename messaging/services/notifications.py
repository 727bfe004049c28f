"""Writes on notifications, and the forgetting of cached badge counts.

Badge counts are cached (messaging.selectors.cached_unread_counts): every write that changes
what a member's badges show outdates their counts (now and once it has committed) and
pushes the new badges to the member's open pages.
"""

from functools import partial

from django.db import transaction
from django.utils import timezone

from core.cache import counter_incr
from messaging.live import push_badges
from messaging.models import Notification
from messaging.selectors import unread_counts_keys


def unread_counts_changed(*, user_ids) -> None:
    """Outdate these members' cached badge counts now and once the transaction commits,
    and push their new badges to their open pages then.

    A page read between the two may count from before the commit; the second move of
    the version outdates what it stored.
    """
    version_keys = [unread_counts_keys(pk)[0] for pk in user_ids]
    _versions_move(version_keys)
    transaction.on_commit(partial(_versions_move, version_keys))
    push_badges(user_ids=user_ids)


def _versions_move(version_keys) -> None:
    """Move each version on by one (starting it if it has not begun)."""
    for key in version_keys:
        counter_incr(key)


def notification_create(*, recipient, kind: str, key: str, actor=None, data=None) -> Notification:
    """Tell `recipient` that `kind` happened; the same `key` again gives the first one."""
    with transaction.atomic():
        notification, _created = Notification.objects.get_or_create(
            recipient=recipient,
            key=key,
            defaults={"kind": kind, "actor": actor, "data": data or {}},
        )
        unread_counts_changed(user_ids=[recipient.pk])
    return notification


def notifications_mark_read(*, user) -> int:
    """Mark all `user`'s notifications as read; how many were unread."""
    unread = Notification.objects.filter(recipient=user, read__isnull=True)
    with transaction.atomic():
        marked = unread.update(read=timezone.now())
        unread_counts_changed(user_ids=[user.pk])
    return marked
