"""The navbar's badges: unread messages and notifications of the reader."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from messaging.selectors import cached_unread_counts


def unread_counts(request):
    """`unread_counts` (read only when a page shows it, from the cache) and the poll interval."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "unread_counts": SimpleLazyObject(lambda: cached_unread_counts(user=user)),
        "NOTIFICATIONS_POLL_SECONDS": settings.NOTIFICATIONS_POLL_SECONDS,
    }
