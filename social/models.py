"""Follows: who reads whom."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Follow(models.Model):
    """`follower` reads the posts of `followed`. One row per pair; nobody follows themself."""

    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="following_set",
        verbose_name=_("follower"),
        db_index=False,  # the unique (follower, followed) index serves instead
    )
    followed = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="follower_set",
        verbose_name=_("followed"),
        db_index=False,  # social_followers_idx starts with followed and serves instead
    )
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["follower", "followed"], name="social_follow_unique"),
            models.CheckConstraint(
                condition=~models.Q(follower=models.F("followed")), name="social_follow_not_self"
            ),
        ]
        indexes = [
            models.Index(fields=["followed", "-created", "-id"], name="social_followers_idx"),
            models.Index(fields=["follower", "-created", "-id"], name="social_following_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.follower_id} → {self.followed_id}"
