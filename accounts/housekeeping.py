"""What the accounts app prunes (core.housekeeping)."""

from datetime import datetime

from accounts.models import ApiToken
from core.housekeeping import housekeeping_job


@housekeeping_job("expired API tokens")
def tokens_prune(now: datetime) -> int:
    """API tokens past their expiry (they no longer work)."""
    return ApiToken.objects.filter(expires__lt=now).delete()[0]
