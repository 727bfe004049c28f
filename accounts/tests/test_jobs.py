"""Members' jobs against a real worker process: killed in the middle (SIGKILL), the job is
found stale and marked failed, and the member can start again."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Job
from conftest import database_url
from posts.models import Post
from posts.services import posts_bulk_create

pytestmark = pytest.mark.django_db(transaction=True)  # the worker opens connections of its own


@pytest.fixture(autouse=True)
def database_tasks(settings):
    """The production task backend: the job waits in a table for a worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def worker(tmp_path) -> subprocess.Popen:
    """`manage.py db_worker` on the test database, in a process of its own."""
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env |= {"DATABASE_URL": database_url(), "SECRET_KEY": django_settings.SECRET_KEY,
            "VAR_DIR": str(tmp_path), "MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
            "PRIVATE_FILES_ROOT": str(tmp_path / "private")}  # fmt: skip
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay",
         "--interval", "0.1"],
        cwd=django_settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip


def test_a_worker_killed_in_the_middle(client, user, settings, tmp_path):
    now = timezone.now()
    posts_bulk_create(posts=(Post(author=user, body=f"Post {i}", language="en",
                                  created=now - timedelta(seconds=i))
                             for i in range(60_000)))  # fmt: skip
    client.force_login(user)
    client.post(reverse("export_start"))
    process = worker(tmp_path)
    try:
        for _ in range(600):  # until the worker has taken the job up
            if Job.objects.filter(status="running").exists():
                break
            time.sleep(0.02)
        os.killpg(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    job = Job.objects.get()
    assert job.status == "running"  # and no one left to finish it

    settings.JOB_STALE_SECONDS = 1
    time.sleep(1.5)
    content = client.get(reverse("export")).content.decode()
    assert "stopped before the end" in content
    job.refresh_from_db()
    assert job.status == "failed"
    client.post(reverse("export_start"))  # the member starts again
    assert Job.objects.filter(status="waiting").count() == 1


@pytest.mark.django_db
def test_a_stale_job_is_told_to_its_member(user, settings):
    from accounts.jobs import jobs_fail_stale
    from messaging.models import Notification

    stale = timezone.now() - timedelta(seconds=settings.JOB_STALE_SECONDS + 1)
    Job.objects.create(owner=user, kind="export", status="running", heartbeat=stale)
    assert jobs_fail_stale() == 1
    notification = Notification.objects.get(recipient=user)
    assert notification.kind == "job_failed"
    assert notification.data == {"url": reverse("export"), "job": "export"}


@pytest.mark.django_db
def test_a_job_of_a_member_deactivated_meanwhile_is_not_run(user):
    from accounts.jobs import job_begin

    job = Job.objects.create(owner=user, kind="export")
    User = type(user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert job_begin(job_id=job.pk) is None
    job.refresh_from_db()
    assert job.status == "failed"


@pytest.mark.django_db
def test_a_job_that_cannot_be_queued_fails_at_once(user, django_capture_on_commit_callbacks):
    from accounts.jobs import job_start

    class QueueDown:
        def enqueue(self, **kwargs):
            raise ConnectionError("queue down")

    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(owner=user, kind="export", task=QueueDown())
    job.refresh_from_db()
    assert job.status == "failed" and "could not be queued" in job.error
