"""The Microblog user: Django's user with a profile (about me, avatar, last seen)."""

import hashlib
import secrets
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.files.storage import storages
from django.db import models
from django.db.models.functions import Length, Lower
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _

from accounts.validators import USERNAME_MAX_LENGTH, USERNAME_VALIDATORS

ABOUT_ME_MAX_LENGTH = 140


def avatar_upload_to(user: "User", filename: str) -> str:
    """Store each avatar under a fresh name so browsers never show a stale one."""
    return f"avatars/{user.pk}/{secrets.token_hex(8)}.webp"


class MessagesFrom(models.TextChoices):
    """Who may send a member private messages (someone they wrote to first always may)."""

    EVERYONE = "everyone", _("Everyone")
    FOLLOWING = "following", _("People I follow")
    NOBODY = "nobody", _("Nobody")


class User(AbstractUser):
    """A member of the site. Usernames are unique whatever their letter case."""

    username = models.CharField(
        _("username"),
        max_length=USERNAME_MAX_LENGTH,
        unique=True,
        validators=USERNAME_VALIDATORS,
        help_text=_("Up to 30 letters, digits and underscores; dots and hyphens between them."),
        error_messages={"unique": _("A user with that username already exists.")},
    )
    about_me = models.CharField(_("about me"), max_length=ABOUT_ME_MAX_LENGTH, blank=True)
    last_seen = models.DateTimeField(_("last seen"), null=True, blank=True)
    avatar = models.ImageField(_("avatar"), upload_to=avatar_upload_to, blank=True)
    # Empty means "as the browser says": Accept-Language, and the time zone it reports.
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    timezone = models.CharField(_("time zone"), max_length=64, blank=True)
    # Kept by posts.services (every post write goes through them): counting a prolific
    # author's posts on each profile read grew with their posts (13,000 rows per request).
    post_count = models.PositiveIntegerField(_("posts"), default=0, editable=False)
    # Kept by social.services, for the same reason: counting a popular member's followers
    # on each read grew with them. Follows of deactivated members are not counted.
    follower_count = models.PositiveIntegerField(_("followers"), default=0, editable=False)
    following_count = models.PositiveIntegerField(_("following"), default=0, editable=False)
    # Private messages (the messaging app): who may write, and whether unread ones are
    # e-mailed. On the user, since sending reads the recipient anyway.
    messages_from = models.CharField(
        _("who may send me messages"),
        max_length=10,
        choices=MessagesFrom,
        default=MessagesFrom.EVERYONE,
    )
    message_emails = models.BooleanField(
        _("e-mail me about unread messages"),
        default=True,
        help_text=_("One e-mail at most every so often, only when you have been away."),
    )

    objects = UserManager()

    class Meta(AbstractUser.Meta):
        constraints = [
            models.UniqueConstraint(
                Lower("username"),
                name="accounts_user_username_ci_unique",
                violation_error_message=_("A user with that username already exists."),
            ),
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="accounts_user_email_ci_unique",
                violation_error_message=_("This e-mail address is already registered."),
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("about_me"), ABOUT_ME_MAX_LENGTH),
                name="accounts_user_about_me_length",
            ),
        ]

    def save(self, *args, **kwargs):
        """Save; a new password also revokes every API token (sessions end by themselves)."""
        password_changed = self._password is not None and self.pk is not None
        super().save(*args, **kwargs)
        if password_changed:
            # Whatever the path (password change, reset, admin, manage.py), a token
            # obtained with the old password must not outlive it.
            self.api_tokens.all().delete()

    def get_absolute_url(self) -> str:
        """The user's public profile page."""
        return reverse("profile", kwargs={"username": self.username})

    def avatar_url(self, size: int = 80) -> str:
        """The uploaded avatar if there is one, else the Gravatar identicon of the e-mail."""
        if self.avatar:
            return self.avatar.url
        digest = hashlib.md5(self.email.strip().lower().encode(), usedforsecurity=False)
        query = urlencode({"d": "identicon", "s": size})
        return f"https://www.gravatar.com/avatar/{digest.hexdigest()}?{query}"


class ApiToken(models.Model):
    """A bearer token for the REST API. Only its SHA-256 hash is stored."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    expires = models.DateTimeField(_("expires"))
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created"]
        indexes = [models.Index(fields=["user", "expires"], name="accounts_token_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.created:%Y-%m-%d %H:%M}"


class PrivateStorage(LazyObject):
    """settings.STORAGES["private"], looked up when first used rather than when the model is
    defined, and again after the setting changes (tests), as Django's default_storage is."""

    def _setup(self):
        self._wrapped = storages["private"]


_private_storage = PrivateStorage()


def private_storage():
    """Where files only their owner may download are kept (settings.STORAGES["private"])."""
    return _private_storage


def private_storage_reset(*, setting, **kwargs) -> None:
    """Forget the private storage when STORAGES changes (setting_changed)."""
    if setting == "STORAGES":
        _private_storage._wrapped = empty


def job_file_upload_to(job: "Job", filename: str) -> str:
    """Each job's file under a name no one can guess (downloads still check the owner)."""
    return f"jobs/{job.owner_id}/{secrets.token_hex(16)}/{filename}"


class Job(models.Model):
    """A member's background job (an export of their data, an import...) and its progress
    as the worker reports it; django.tasks keeps no progress of its own."""

    class Status(models.TextChoices):
        """Where the job is."""

        WAITING = "waiting", _("Waiting for a worker")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    owner = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="jobs", verbose_name=_("owner"),
        db_index=False,  # accounts_job_owner_idx starts with the owner
    )  # fmt: skip
    kind = models.CharField(_("kind"), max_length=30)
    # The language of the page it was started from: what the member hears it in.
    language = models.CharField(_("language"), max_length=10, blank=True)
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.WAITING)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    created = models.DateTimeField(_("created"), default=timezone.now)
    started = models.DateTimeField(_("started"), null=True, blank=True)
    # Moved on by every progress report: a running job whose heartbeat stopped lost its
    # worker (killed), and is marked failed.
    heartbeat = models.DateTimeField(_("heartbeat"), null=True, blank=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)
    file = models.FileField(
        _("file"), upload_to=job_file_upload_to, storage=private_storage, blank=True,
        max_length=200,
    )  # fmt: skip
    error = models.CharField(_("error"), max_length=500, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["owner", "kind", "-created"], name="accounts_job_owner_idx")
        ]
        constraints = [
            # One export (or import...) at a time per member: a second click finds the first.
            models.UniqueConstraint(
                fields=["owner", "kind"],
                condition=models.Q(status__in=["waiting", "running"]),
                name="accounts_job_one_at_a_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {self.owner_id} ({self.status})"

    @property
    def is_active(self) -> bool:
        """Whether it is waiting or running."""
        return self.status in (self.Status.WAITING, self.Status.RUNNING)

    @property
    def percent(self) -> int:
        """How far it is, from 0 to 100."""
        if self.status == self.Status.DONE:
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0

    @property
    def expires(self):
        """Until when its file may be downloaded (EXPORT_KEEP_DAYS after it finished)."""
        if not self.finished:
            return None
        return self.finished + timedelta(days=settings.EXPORT_KEEP_DAYS)

    @property
    def seconds_left(self) -> int | None:
        """An estimate of the seconds left, once some work is done."""
        if self.status != self.Status.RUNNING or not self.done or not self.started:
            return None
        elapsed = (timezone.now() - self.started).total_seconds()
        return max(1, round(elapsed / self.done * (self.total - self.done)))
