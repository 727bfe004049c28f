"""Members' background jobs (accounts.models.Job): started one at a time, run by the task
worker, their progress pushed live to the member's pages, and failed when their worker
died.

The page shows `accounts/_job.html` for the job inside an element with id `job-<kind>`;
every change replaces it (a Turbo Stream on the member's stream), at most once a second
while running, and the page asks `job_status` itself while it has no live connection.
"""

import logging
import time
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from turbo_helper import turbo_stream

from accounts.live import member_push_on_commit
from accounts.models import Job, User
from accounts.signals import job_ended

logger = logging.getLogger(__name__)

ACTIVE = (Job.Status.WAITING, Job.Status.RUNNING)
# Progress is written and pushed at most this often (and always at the end).
PROGRESS_SECONDS = 1.0
STOPPED = gettext_lazy("The job stopped before the end (its worker was interrupted).")
NOT_QUEUED = gettext_lazy("The job could not be queued. Please try again.")


class JobRefused(Exception):
    """The job cannot start now; the message says why."""


class JobUnderWay(JobRefused):
    """A job of this kind is already waiting or running: `job`."""

    def __init__(self, job: Job):
        super().__init__(_("This is already under way: see below."))
        self.job = job


def job_stream(job: Job) -> str:
    """The Turbo Stream that shows `job` as it is now, wherever its kind is shown."""
    html = render_to_string("accounts/_job.html", {"job": job})
    return turbo_stream.replace(f"job-{job.kind}", content=html)


def job_language(job: Job) -> str:
    """The language to tell the member about `job` in: their own, else the page's."""
    return job.owner.language or job.language or settings.LANGUAGE_CODE


def _push(job_id: int, owner_id: int) -> None:
    def render(member) -> str:
        job = Job.objects.filter(pk=job_id).first()
        if job is None:
            return ""
        job.owner = member
        with translation.override(job_language(job)):
            return job_stream(job)

    member_push_on_commit(user_id=owner_id, render=render)


def jobs_fail_stale(*, owner: User | None = None) -> int:
    """Mark failed the running jobs whose heartbeat stopped (their worker was killed)."""
    cutoff = timezone.now() - timedelta(seconds=settings.JOB_STALE_SECONDS)
    stale = Job.objects.filter(status=Job.Status.RUNNING, heartbeat__lt=cutoff)
    if owner is not None:
        stale = stale.filter(owner=owner)
    failed = 0
    for job in stale.select_related("owner"):
        # Only if still running: the worker may have finished it meanwhile after all.
        if job_failed(job, error=STOPPED, unless_ended=True):
            failed += 1
    return failed


def jobs_left_today(*, owner: User, kind: str, daily_limit: int) -> int:
    """How many more jobs of this kind `owner` may start in the next 24 hours."""
    since = timezone.now() - timedelta(days=1)
    today = Job.objects.filter(owner=owner, kind=kind, created__gte=since)
    return max(0, daily_limit - today.exclude(status=Job.Status.FAILED).count())


def job_start(*, owner: User, kind: str, task, daily_limit: int = 0, data=None) -> Job:
    """Start `task(job_id=...)` for `owner`; the member hears about it in the language
    active now (the page's). `data` is what the job works on (kept in `Job.data` until it
    is done).

    Raises JobUnderWay when a job of this kind is waiting or running (two clicks make one
    job), and JobRefused past `daily_limit` jobs of this kind in a day (failed ones aside).
    """
    jobs_fail_stale(owner=owner)
    with transaction.atomic():
        # Two clicks at once: the second waits here, then finds the first job.
        User.objects.select_for_update().filter(pk=owner.pk).first()
        running = Job.objects.filter(owner=owner, kind=kind, status__in=ACTIVE).first()
        if running is not None:
            raise JobUnderWay(running)
        if daily_limit and not jobs_left_today(owner=owner, kind=kind, daily_limit=daily_limit):
            raise JobRefused(
                ngettext(
                    "You can do this once a day. Please try again tomorrow.",
                    "You can do this %(count)d times a day. Please try again tomorrow.",
                    daily_limit,
                )
                % {"count": daily_limit}
            )
        job = Job.objects.create(
            owner=owner, kind=kind, language=translation.get_language(), data=data or {}
        )
        transaction.on_commit(partial(_enqueue, task=task, job_id=job.pk))
    return job


def _enqueue(*, task, job_id: int) -> None:
    try:
        result = task.enqueue(job_id=job_id)
    except Exception:  # no task, no worker will ever come: the member may start again
        logger.exception("Job %s could not be queued", job_id)
        job_failed(Job.objects.select_related("owner").get(pk=job_id), error=NOT_QUEUED)
        return
    Job.objects.filter(pk=job_id).update(task_id=result.id)


def job_begin(*, job_id: int) -> Job | None:
    """The worker takes job `job_id` up: it is running (None if it is no longer wanted: done
    already, or its member was deactivated meanwhile, which fails it quietly)."""
    now = timezone.now()
    wanted = Job.objects.filter(pk=job_id, status__in=ACTIVE)
    wanted.filter(owner__is_active=False).update(status=Job.Status.FAILED, finished=now)
    taken = wanted.update(status=Job.Status.RUNNING, started=now, heartbeat=now)
    if not taken:
        return None
    job = Job.objects.select_related("owner").get(pk=job_id)
    job.pushed_at = time.monotonic()
    _push(job.pk, job.owner_id)
    return job


def job_progress(job: Job, *, done: int, total: int) -> None:
    """`done` of `total` steps are done: saved and shown, at most once a second."""
    job.done, job.total = done, total
    if time.monotonic() - job.pushed_at < PROGRESS_SECONDS and done < total:
        return
    job.pushed_at = time.monotonic()
    Job.objects.filter(pk=job.pk).update(done=done, total=total, heartbeat=timezone.now())
    _push(job.pk, job.owner_id)


def _ended(job: Job) -> None:
    """Show the ended job on the member's pages and tell the apps above (job_ended)."""
    _push(job.pk, job.owner_id)
    job_ended.send(sender=Job, job=job)


def job_done(job: Job, *, data: dict | None = None) -> None:
    """The job finished (its file, if any, already saved)."""
    job.status, job.finished, job.done = Job.Status.DONE, timezone.now(), job.total
    job.data = data or {}
    job.save(update_fields=["status", "finished", "done", "data", "file"])
    _ended(job)


def job_failed(job: Job, *, error, unless_ended: bool = False) -> bool:
    """The job failed; `error` (a lazy translation) says so to the member, in their
    language. With `unless_ended`, only a job still waiting or running is failed. True if
    it was."""
    with translation.override(job_language(job)):
        job.error = str(error)[:500]
    job.status, job.finished = Job.Status.FAILED, timezone.now()
    ended = Job.objects.filter(pk=job.pk)
    if unless_ended:
        ended = ended.filter(status__in=ACTIVE)
    if not ended.update(status=job.status, finished=job.finished, error=job.error):
        return False
    _ended(job)
    return True


def job_carry_out(*, job_id: int, work, failure: str) -> Job | None:
    """The worker's side of job `job_id`: run `work(job)`, which returns the job's results
    (a dictionary) and reports progress, then mark it done; if anything breaks, mark it
    failed with the message `failure` (a lazy translation). The job when done."""
    job = job_begin(job_id=job_id)
    if job is None:
        return None
    try:
        data = work(job)
    except Exception:  # whatever broke, the member hears of it and may try again
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        job_failed(job, error=failure)
        return None
    job_done(job, data=data)
    return job
