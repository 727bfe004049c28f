"""What the messaging app prunes (core.housekeeping)."""

from datetime import datetime, timedelta

from django.conf import settings

from core.housekeeping import housekeeping_job
from messaging.models import Notification


@housekeeping_job("read notifications")
def notifications_prune(now: datetime) -> int:
    """Notifications read more than NOTIFICATIONS_RETENTION_DAYS ago."""
    cutoff = now - timedelta(days=settings.NOTIFICATIONS_RETENTION_DAYS)
    return Notification.objects.filter(read__lt=cutoff).delete()[0]
