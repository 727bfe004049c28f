"""Posts: the short messages members write."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Length, Trim
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Post(models.Model):
    """A post of 1 to POST_MAX_LENGTH characters, stored trimmed, timed in UTC."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="posts",
        verbose_name=_("author"),
        db_index=False,  # posts_author_created_idx starts with author and serves instead
    )
    body = models.TextField(_("body"))
    created = models.DateTimeField(_("created"), default=timezone.now)
    # An IETF tag such as "en" or "pt-BR"; NULL (not "") means "not detected yet", as the spec says.
    language = models.CharField(_("language"), max_length=35, null=True, blank=True)  # noqa: DJ001

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-created", "-id"]
        indexes = [
            # The timelines read "posts by these authors, newest first".
            models.Index(fields=["author", "-created", "-id"], name="posts_author_created_idx"),
            models.Index(fields=["-created", "-id"], name="posts_created_id_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=GreaterThanOrEqual(Length(Trim("body")), 1),
                name="posts_post_body_not_blank",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("body"), settings.POST_MAX_LENGTH),
                name="posts_post_body_max_length",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author.username}: {self.body[:40]}"
