"""Writes on follows: following and unfollowing, safe against double clicks."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.ratelimit import rate_limit
from social.models import Follow


def follow_create(*, follower, followed) -> Follow:
    """Make `follower` follow `followed`; idempotent. Following yourself is refused.

    Raises RateLimited when the member follows people too fast (follow spam).
    """
    if follower.pk == followed.pk:
        raise ValidationError(_("You cannot follow yourself."), code="self_follow")
    existing = Follow.objects.filter(follower=follower, followed=followed).first()
    if existing is not None:
        return existing
    rate_limit(scope="follow", key=follower.pk, rate=settings.FOLLOW_RATE)
    # get_or_create retries the read when a concurrent request inserted the same pair.
    follow, _created = Follow.objects.get_or_create(follower=follower, followed=followed)
    return follow


def follow_delete(*, follower, followed) -> bool:
    """Make `follower` stop following `followed`; True if they were following."""
    deleted, _details = Follow.objects.filter(follower=follower, followed=followed).delete()
    return deleted > 0
