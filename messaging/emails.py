"""The e-mail about unread messages: in the member's language and time zone, with a link."""

from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Count, Max
from django.urls import reverse

from accounts.timezones import zone_or_none
from core.mail import email_compose
from messaging.selectors import unread_messages

# The e-mail names this many senders; it counts the others.
NAMED_SENDERS = 10


def unread_messages_email_compose(*, user, since: datetime | None) -> EmailMessage | None:
    """The e-mail about `user`'s unread messages that came after `since`, or None if none."""
    unread = unread_messages(user=user)
    if since is not None:
        unread = unread.filter(created__gt=since)
    senders = list(
        unread.order_by()
        .values("sender__username")
        .annotate(count=Count("pk"), latest=Max("created"))
        .order_by("-latest")
    )
    if not senders:
        return None
    context = {
        "user": user,
        "senders": senders[:NAMED_SENDERS],
        "other_senders": len(senders) - NAMED_SENDERS,
        "total": sum(sender["count"] for sender in senders),
        "inbox_url": settings.SITE_URL + reverse("inbox"),
        "settings_url": settings.SITE_URL + reverse("messaging_settings"),
    }
    return email_compose("messaging/email/unread", context, to=user.email,
                         language=user.language or settings.LANGUAGE_CODE,
                         zone=zone_or_none(user.timezone))  # fmt: skip
