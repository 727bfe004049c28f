"""Blocks: a member stops hearing from another (messages, follows both ways)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.ratelimit import rate_limit
from messaging.models import Block
from messaging.services.messages import pair_lock
from messaging.services.notifications import unread_counts_changed
from messaging.signals import member_blocked


def block_create(*, blocker, blocked) -> Block:
    """Make `blocker` block `blocked`; idempotent. Follows between them end."""
    if blocker.pk == blocked.pk:
        raise ValidationError(_("You cannot block yourself."), code="self_block")
    existing = Block.objects.filter(blocker=blocker, blocked=blocked).first()
    if existing is not None:
        return existing
    rate_limit(scope="block", key=blocker.pk, rate=settings.BLOCK_RATE)
    with transaction.atomic():
        pair_lock(first=blocker, second=blocked)
        block, created = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
        if created:
            member_blocked.send(sender=Block, blocker=blocker, blocked=blocked)
            unread_counts_changed(user_ids=[blocker.pk])
    return block


def block_delete(*, blocker, blocked) -> bool:
    """Lift `blocker`'s block of `blocked`; True if there was one."""
    with transaction.atomic():
        deleted, _details = Block.objects.filter(blocker=blocker, blocked=blocked).delete()
        unread_counts_changed(user_ids=[blocker.pk])
    return deleted > 0
