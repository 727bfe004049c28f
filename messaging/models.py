"""Private messages, the inbox built from them, notifications, blocks and reports."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Greatest, Least, Length, Trim
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MessageQuerySet(models.QuerySet):
    """Messages, with the lookup of one conversation."""

    def between(self, first, second) -> "MessageQuerySet":
        """The messages either member sent the other, by the pair's index (no OR)."""
        low, high = sorted((first.pk, second.pk))
        return self.alias(
            low=Least("sender_id", "recipient_id"), high=Greatest("sender_id", "recipient_id")
        ).filter(low=low, high=high)


class Message(models.Model):
    """A private message from one member to another: never public, read by these two only."""

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="messages_sent",
        verbose_name=_("sender"),
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="messages_received",
        verbose_name=_("recipient"),
        db_index=False,  # messaging_unread_idx and the pair's index serve instead
    )
    body = models.TextField(_("body"))
    created = models.DateTimeField(_("created"), default=timezone.now)
    read = models.DateTimeField(_("read"), null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created", "-id"]
        indexes = [
            # One conversation, newest first, whoever wrote: see MessageQuerySet.between.
            models.Index(
                Least("sender_id", "recipient_id"),
                Greatest("sender_id", "recipient_id"),
                models.F("created").desc(),
                models.F("id").desc(),
                name="messaging_pair_idx",
            ),
            # Unread messages of a member (the badge), by sender (the inbox's counts).
            models.Index(
                fields=["recipient", "sender"],
                condition=models.Q(read__isnull=True),
                name="messaging_unread_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=GreaterThanOrEqual(Length(Trim("body")), 1),
                name="messaging_message_body_not_blank",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("body"), settings.MESSAGE_MAX_LENGTH),
                name="messaging_message_body_max_length",
            ),
            models.CheckConstraint(
                condition=~models.Q(sender=models.F("recipient")),
                name="messaging_message_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sender_id} → {self.recipient_id} ({self.created:%Y-%m-%d %H:%M})"


class Conversation(models.Model):
    """One line of `owner`'s inbox: their exchange with `other`, and its latest message.

    Two per pair of members (one each), kept by messaging.services.messages.message_send, so that
    an inbox is read newest activity first from an index, however many messages it holds.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="conversations",
        verbose_name=_("owner"),
        db_index=False,  # the unique (owner, other) and the inbox index serve instead
    )
    other = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("with"),
    )
    last_message = models.ForeignKey(
        Message,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("last message"),
    )
    last_activity = models.DateTimeField(_("last activity"), default=timezone.now)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "other"], name="messaging_conversation_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(owner=models.F("other")), name="messaging_conversation_not_self"
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "-last_activity", "-id"], name="messaging_inbox_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.owner_id} ↔ {self.other_id}"


class Block(models.Model):
    """`blocker` no longer hears from `blocked`: no messages, no follows either way."""

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="blocks",
        verbose_name=_("blocker"),
        db_index=False,  # the unique (blocker, blocked) index serves instead
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="blocked_by",
        verbose_name=_("blocked"),
    )
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="messaging_block_unique"),
            models.CheckConstraint(
                condition=~models.Q(blocker=models.F("blocked")), name="messaging_block_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.blocker_id} ⊘ {self.blocked_id}"


class Report(models.Model):
    """A conversation reported to the moderators, with a copy of the messages it held then.

    The only way a moderator reads private messages: the reporter chose to show them. The
    copy and the members' names outlive the members: a reported member who deletes their
    account leaves the report, its evidence and their name behind (the link to the account
    goes).
    """

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports_made",
        verbose_name=_("reporter"),
    )
    reported = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports_received",
        verbose_name=_("reported member"),
    )
    reporter_name = models.CharField(_("reporter's username"), max_length=30, blank=True)
    reported_name = models.CharField(_("reported member's username"), max_length=30, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    # [{"sender": username, "body": text, "created": ISO 8601}], oldest first.
    evidence = models.JSONField(_("reported messages"), default=list, blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now)
    resolved = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("reason"), settings.REPORT_REASON_MAX_LENGTH),
                name="messaging_report_reason_max_length",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reporter_name} → {self.reported_name} ({self.created:%Y-%m-%d %H:%M})"


class Notification(models.Model):
    """Something that happened for `recipient`: a follower, a message, a finished job.

    `key` names the event: a second notification for one event is the same row.
    """

    class Kind(models.TextChoices):
        """What happened."""

        FOLLOWER = "new_follower", _("New follower")
        MESSAGE = "new_message", _("New message")
        JOB_FINISHED = "job_finished", _("Job finished")
        JOB_FAILED = "job_failed", _("Job failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
        db_index=False,  # the unique (recipient, key) and the list's index serve instead
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    # The member who caused it (a follower, a sender); notifications about members who
    # left or whom the recipient blocked are not shown.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    key = models.CharField(_("event"), max_length=100)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now)
    read = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], name="messaging_notification_once"
            ),
        ]
        indexes = [
            models.Index(
                fields=["recipient", "-created", "-id"], name="messaging_notifications_idx"
            ),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read__isnull=True),
                name="messaging_unread_notes_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.kind} ({self.created:%Y-%m-%d %H:%M})"


class MessageEmail(models.Model):
    """When `user` is next due an e-mail about unread messages, and when they last got one.

    `due` is set by the first unread message of a batch (one task is scheduled for it) and
    cleared when that task has run.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("member"),
    )
    due = models.DateTimeField(_("due"), null=True, blank=True)
    last_sent = models.DateTimeField(_("last sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("message e-mail")
        verbose_name_plural = _("message e-mails")

    def __str__(self) -> str:
        return f"{self.user_id}: due {self.due}"
