"""Writes on follows: following and unfollowing, safe against double clicks.

Each member's follower_count and following_count are stored and kept here: a follow or
unfollow adds or takes one; bulk changes (seeding, an account deactivated, reactivated or
deleted, the admin) recount the members around them with `follow_counts_refresh`.
Follows of deactivated members are not counted.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from accounts.live import push_profile_counts
from core import live
from core.db import locked
from core.ratelimit import rate_limit
from messaging.models import Notification
from messaging.selectors import blocks_between
from messaging.services.messages import pair_lock
from messaging.services.notifications import notification_create
from social.models import Follow


def follow_create(*, follower, followed, imported: bool = False) -> Follow:
    """Make `follower` follow `followed`; idempotent. Following yourself is refused.

    Raises RateLimited when the member follows people too fast (follow spam), and
    PermissionDenied when either blocked the other. The followed member is notified. A
    follow `imported` from the member's list (social.imports, limited on its own) skips
    the rate limit and the notification: a list of thousands would notify thousands.
    """
    if follower.pk == followed.pk:
        raise ValidationError(_("You cannot follow yourself."), code="self_follow")
    existing = Follow.objects.filter(follower=follower, followed=followed).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        # The pair locked, as block_create locks it: a block and this follow happen one
        # after the other, so no follow outlives a block.
        active = pair_lock(first=follower, second=followed)
        blockers = blocks_between(first=follower, second=followed)
        if follower.pk in blockers:
            raise PermissionDenied(
                _("You blocked %(name)s. Unblock them to follow them.")
                % {"name": followed.username}
            )
        if blockers:
            raise PermissionDenied(_("You cannot follow %(name)s.") % {"name": followed.username})
        if not imported:
            rate_limit(scope="follow", key=follower.pk, rate=settings.FOLLOW_RATE)
        # get_or_create retries the read when a concurrent request inserted the same pair.
        follow, created = Follow.objects.get_or_create(follower=follower, followed=followed)
        if created:
            _counts_add(follower=follower, followed=followed, active=active, delta=1)
        if created and not imported:
            notification_create(
                recipient=followed,
                kind=Notification.Kind.FOLLOWER,
                key=f"follow:{follow.pk}",
                actor=follower,
                data={"follower": follower.username},
            )
    return follow


@transaction.atomic
def follow_delete(*, follower, followed) -> bool:
    """Make `follower` stop following `followed`; True if they were following."""
    # The pair first, as every other write between them (a block deletes this follow).
    active = pair_lock(first=follower, second=followed)
    deleted, _details = Follow.objects.filter(follower=follower, followed=followed).delete()
    if deleted:
        _counts_add(follower=follower, followed=followed, active=active, delta=-1)
    return deleted > 0


def _counts_add(*, follower, followed, active: dict[int, bool], delta: int) -> None:
    """Move both members' stored counts by `delta`, each only if the other is counted.

    `active` says who is active as the pair's lock read it (the objects the caller holds
    may be older than a deactivation). Rows are updated in id order, as
    follow_counts_refresh locks them: no deadlock.
    """
    users = get_user_model().objects
    changes = {}
    if active.get(followed.pk):
        changes[follower.pk] = {"following_count": F("following_count") + delta}
    if active.get(follower.pk):
        changes[followed.pk] = {"follower_count": F("follower_count") + delta}
    for pk in sorted(changes):
        users.filter(pk=pk).update(**changes[pk])
    push_profile_counts(user_ids=sorted(changes))
    live.streams_refresh_on_commit(user_id=follower.pk, streams=["home"])


def follow_counts_refresh(*, user_ids) -> None:
    """Recount the stored follower and following counts of these members."""
    user_ids = sorted(user_ids)
    for start in range(0, len(user_ids), 1000):  # within every database's parameter limit
        with transaction.atomic():
            batch = get_user_model().objects.filter(pk__in=user_ids[start : start + 1000])
            locked(batch).update(
                follower_count=_count(Follow.objects.filter(follower__is_active=True), "followed"),
                following_count=_count(Follow.objects.filter(followed__is_active=True), "follower"),
            )


def _count(follows, field: str) -> Coalesce:
    """A correlated COUNT of the `follows` whose `field` is the member being updated."""
    counted = (
        follows.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)
