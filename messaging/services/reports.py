"""Reports of conversations to the moderators, and their resolution."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import can_manage_user
from core.ratelimit import rate_limit
from core.text import clean_text
from messaging.models import Message, Report

# A report shows the moderators this many of the conversation's latest messages.
REPORTED_MESSAGES = 50


def report_create(*, reporter, reported, reason: str = "") -> Report:
    """Report the conversation with `reported` to the moderators, with its latest messages."""
    if reporter.pk == reported.pk:
        raise ValidationError(_("You cannot report yourself."), code="self_report")
    reason = clean_text(reason)
    if len(reason) > settings.REPORT_REASON_MAX_LENGTH:
        raise ValidationError(
            _("A reason has at most %(limit)d characters.")
            % {"limit": settings.REPORT_REASON_MAX_LENGTH},
            code="too_long",
        )
    latest = Message.objects.between(reporter, reported).order_by("-created", "-id")
    messages = list(latest.values("sender__username", "body", "created")[:REPORTED_MESSAGES])
    if not messages:
        raise ValidationError(
            _("There is nothing to report: you have no messages with %(name)s.")
            % {"name": reported.username},
            code="empty",
        )
    rate_limit(scope="report", key=reporter.pk, rate=settings.REPORT_RATE)
    evidence = [
        {"sender": message["sender__username"], "body": message["body"],
         "created": message["created"].isoformat()}
        for message in reversed(messages)
    ]  # fmt: skip
    return Report.objects.create(
        reporter=reporter, reported=reported, reporter_name=reporter.username,
        reported_name=reported.username, reason=reason, evidence=evidence,
    )  # fmt: skip


def report_resolve(*, report: Report, moderator) -> Report:
    """Mark `report` as dealt with by `moderator`, who may act on both members.

    Moderators never settle reports by or about themselves, staff or superusers (a member
    whose account is deleted is no longer any of these).
    """
    members = [member for member in (report.reported, report.reporter) if member is not None]
    if not all(can_manage_user(moderator, member) for member in members):
        raise PermissionDenied(_("Only a superuser can resolve this report."))
    Report.objects.filter(pk=report.pk, resolved__isnull=True).update(
        resolved=timezone.now(), resolved_by=moderator
    )
    report.refresh_from_db()
    return report
