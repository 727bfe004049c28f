"""Writes on follows: following and unfollowing, safe against double clicks."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from social.models import Follow


def follow_create(*, follower, followed) -> Follow:
    """Make `follower` follow `followed`; idempotent. Following yourself is refused."""
    if follower.pk == followed.pk:
        raise ValidationError(_("You cannot follow yourself."), code="self_follow")
    # get_or_create retries the read when a concurrent request inserted the same pair.
    follow, _created = Follow.objects.get_or_create(follower=follower, followed=followed)
    return follow


def follow_delete(*, follower, followed) -> bool:
    """Make `follower` stop following `followed`; True if they were following."""
    deleted, _details = Follow.objects.filter(follower=follower, followed=followed).delete()
    return deleted > 0
