"""Housekeeping prunes what is past its time, and nothing else."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import ApiToken, Job
from accounts.tokens import token_issue
from core.housekeeping import housekeeping_run
from core.tasks import housekeeping
from messaging.models import Notification
from messaging.services.notifications import notification_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_tasks(settings):
    """Tasks kept in the database, as in production."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_prunes_what_is_past_its_time_only(
    user, other_user, settings, database_tasks, django_capture_on_commit_callbacks
):
    now = timezone.now()
    _raw, expired = token_issue(user=user)
    ApiToken.objects.filter(pk=expired.pk).update(expires=now - timedelta(seconds=1))
    _raw, valid = token_issue(user=user)
    for key, read in (("old", now - timedelta(days=91)), ("recent", now - timedelta(days=89)),
                      ("unread", None)):  # fmt: skip
        notification = notification_create(recipient=user, kind=Notification.Kind.FOLLOWER,
                                           key=key, actor=other_user)  # fmt: skip
        Notification.objects.filter(pk=notification.pk).update(read=read)
    for days in (15, 13):
        result = housekeeping.enqueue()
        DBTaskResult.objects.filter(pk=result.id).update(
            status="SUCCESSFUL", finished_at=now - timedelta(days=days)
        )
    pending = housekeeping.enqueue()
    old_export = Job.objects.create(owner=user, kind="export", status="done",
                                    finished=now - timedelta(days=8))  # fmt: skip
    old_export.file.save("old.zip", ContentFile(b"zip"))
    recent_export = Job.objects.create(owner=other_user, kind="export", status="done",
                                       finished=now - timedelta(days=6))  # fmt: skip
    stale = now - timedelta(hours=1)
    stale_job = Job.objects.create(owner=other_user, kind="import", status="running",
                                   heartbeat=stale)  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        removed = housekeeping_run(now=now)

    assert removed == {"finished task results": 1, "expired API tokens": 1,
                       "read notifications": 1, "jobs whose worker stopped": 1,
                       "finished jobs and their files": 1}  # fmt: skip
    assert not old_export.file.storage.exists(old_export.file.name)
    assert sorted(Job.objects.values_list("pk", "status")) == [
        (recent_export.pk, "done"), (recent_export.pk + 1, "failed")
    ]  # fmt: skip
    assert list(ApiToken.objects.all()) == [valid]
    # The stale job's member is told it failed.
    assert sorted(Notification.objects.values_list("key", flat=True)) == [
        f"job:{stale_job.pk}", "recent", "unread"
    ]  # fmt: skip
    assert DBTaskResult.objects.filter(pk=pending.id).exists()
    assert DBTaskResult.objects.count() == 2


def test_the_command_says_what_it_did_once(capsys):
    call_command("housekeeping")
    lines = capsys.readouterr().out.splitlines()
    assert "expired API tokens: 0 removed" in lines
    assert "read notifications: 0 removed" in lines
    assert "jobs whose worker stopped: 0 marked failed" in lines
    assert len(lines) == len(set(lines))
