"""What the messaging app does when something happens below it: a job that ended is told
to its member by a notification (accounts.signals.job_ended); a member who leaves takes
their messages along (accounts.signals.member_leaving)."""

from django.db.models import Q
from django.urls import reverse

from core.db import batches_delete
from messaging.models import Message, Notification
from messaging.services.notifications import notification_create, unread_counts_changed


def job_notify(*, job, **kwargs) -> None:
    """Notify the member that their job is done (or failed), linking to its page."""
    kind = Notification.Kind.JOB_FINISHED if job.status == "done" else Notification.Kind.JOB_FAILED
    data = {"url": reverse(job.kind), "job": job.kind}
    notification_create(recipient=job.owner, kind=kind, key=f"job:{job.pk}", data=data)


def messages_delete_on_leaving(*, user, **kwargs) -> None:
    """A member's account is being deleted: their private messages go, both ways, in
    batches, and their correspondents' unread counts are put right."""
    messages = Message.objects.filter(Q(sender=user) | Q(recipient=user))
    partners = set(messages.filter(recipient=user).values_list("sender_id", flat=True))
    partners |= set(messages.filter(sender=user).values_list("recipient_id", flat=True))
    batches_delete(messages)
    unread_counts_changed(user_ids=sorted(partners - {user.pk}))
