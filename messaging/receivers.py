"""What the messaging app does when something happens below it: a job that ended is told
to its member by a notification (accounts.jobs.job_ended)."""

from django.urls import reverse

from messaging.models import Notification
from messaging.services.notifications import notification_create


def job_notify(*, job, **kwargs) -> None:
    """Notify the member that their job is done (or failed), linking to its page."""
    kind = Notification.Kind.JOB_FINISHED if job.status == "done" else Notification.Kind.JOB_FAILED
    url = reverse(job.kind)
    notification_create(recipient=job.owner, kind=kind, key=f"job:{job.pk}", data={"url": url})
