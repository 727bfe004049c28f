"""What the accounts app prunes (core.housekeeping)."""

from datetime import datetime, timedelta

from django.conf import settings

from accounts.jobs import jobs_fail_stale
from accounts.models import ApiToken, Job
from core.files import file_delete_quietly
from core.housekeeping import housekeeping_job


@housekeeping_job("expired API tokens")
def tokens_prune(now: datetime) -> int:
    """API tokens past their expiry (they no longer work)."""
    return ApiToken.objects.filter(expires__lt=now).delete()[0]


@housekeeping_job("jobs whose worker stopped", outcome="marked failed")
def jobs_stale_fail(now: datetime) -> int:
    """Running jobs silent for JOB_STALE_SECONDS are marked failed (not removed)."""
    return jobs_fail_stale()


@housekeeping_job("finished jobs and their files")
def jobs_prune(now: datetime) -> int:
    """Jobs finished more than EXPORT_KEEP_DAYS ago, with their files. A file is deleted
    before its row: one the storage fails to delete keeps its row, for the next run."""
    cutoff = now - timedelta(days=settings.EXPORT_KEEP_DAYS)
    expired = Job.objects.filter(finished__lt=cutoff)
    removed = []
    for job in expired.exclude(file="").only("pk", "file"):
        if file_delete_quietly(job.file.storage, job.file.name):
            removed.append(job.pk)
    Job.objects.filter(pk__in=removed).update(file="")
    return expired.filter(file="").delete()[0]
