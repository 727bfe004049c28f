"""Export your data: started from the settings, built by a real task worker, followed live,
downloaded by its owner only, told by notification and e-mail."""

import csv
import io
import json
import zipfile
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Job
from accounts.tests.factories import UserFactory
from deploy.stack import free_port
from messaging.models import Message, Notification
from posts.tests.factories import PostFactory
from social.tests.factories import FollowFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def database_tasks(settings):
    """The production task backend: the export waits in a table for a worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.SITE_URL = "https://microblog.example.com"


@pytest.fixture
def member(user):
    """A member with posts, follows both ways, messages both ways, an avatar, a confirmed
    address."""
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    PostFactory(author=user, body='First, "quoted", with a comma', language="en")
    PostFactory(author=user, body="Segunda\nlínea", language=None)
    PostFactory(author=user, body='=HYPERLINK("https://evil.example","click")')
    friend = UserFactory(username="friend")
    FollowFactory(follower=user, followed=friend)
    FollowFactory(follower=UserFactory(username="fan"), followed=user)
    Message.objects.create(sender=user, recipient=friend, body="Hi friend")
    Message.objects.create(sender=friend, recipient=user, body="Hi back")
    user.avatar.save("a.webp", ContentFile(b"RIFF....WEBP"), save=True)
    return user


def run_worker() -> None:
    """Run what is queued, as `manage.py db_worker` does, then stop."""
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)


def archive_of(job: Job) -> zipfile.ZipFile:
    with job.file.open("rb") as file:
        return zipfile.ZipFile(io.BytesIO(file.read()))


@pytest.mark.django_db(transaction=True)  # the worker opens connections of its own
def test_a_worker_builds_the_archive_field_by_field(client, member):
    client.force_login(member)
    response = client.post(reverse("export_start"))
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.status == "waiting" and job.task_id
    assert "Waiting for a worker" in client.get(reverse("export")).content.decode()

    run_worker()

    job.refresh_from_db()
    assert (job.status, job.done, job.total) == ("done", job.total, 2 * 3 + 1 + 1 + 2 + 1)
    archive = archive_of(job)
    assert sorted(archive.namelist()) == [
        "avatar.webp", "followers.csv", "following.csv", "messages.json", "posts.csv",
        "posts.json", "profile.json",
    ]  # fmt: skip
    posts = json.loads(archive.read("posts.json"))
    assert [(p["body"], p["language"]) for p in posts] == [
        ('First, "quoted", with a comma', "en"), ("Segunda\nlínea", None),
        ('=HYPERLINK("https://evil.example","click")', None),
    ]  # fmt: skip
    assert posts[0]["created"].endswith("+00:00")
    rows = list(csv.reader(io.StringIO(archive.read("posts.csv").decode())))
    assert rows[0] == ["id", "created", "language", "body"]
    assert rows[1][1:] == [posts[0]["created"], "en", 'First, "quoted", with a comma']
    assert rows[2][2:] == ["", "Segunda\nlínea"]
    assert rows[3][3] == '\'=HYPERLINK("https://evil.example","click")'  # text, not a formula
    following = list(csv.reader(io.StringIO(archive.read("following.csv").decode())))
    assert following == [["Account address", "Show boosts", "Notify on new posts", "Languages"],
                         ["friend@microblog.example.com", "true", "false", ""]]  # fmt: skip
    assert "fan@microblog.example.com" in archive.read("followers.csv").decode()
    messages = json.loads(archive.read("messages.json"))
    assert [(m["from"], m["to"], m["body"]) for m in messages] == [
        (member.username, "friend", "Hi friend"), ("friend", member.username, "Hi back")
    ]  # fmt: skip
    profile = json.loads(archive.read("profile.json"))
    assert profile["username"] == member.username and profile["email"] == member.email
    assert archive.read("avatar.webp") == b"RIFF....WEBP"

    notification = Notification.objects.get(recipient=member)
    assert notification.kind == "job_finished"
    assert notification.data == {"url": reverse("export"), "job": "export"}
    [email] = mail.outbox
    assert email.to == [member.email] and "ready" in email.subject
    assert "https://microblog.example.com/settings/export/" in email.body
    assert email.attachments[0].filename.endswith(".zip")

    download = client.get(reverse("job_download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).testzip() is None


def test_progress_is_told_in_order(member, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr("posts.exports.BATCH", 1)
    monkeypatch.setattr("accounts.jobs.PROGRESS_SECONDS", 0)
    told = []
    monkeypatch.setattr("accounts.jobs._push", lambda job_id, owner_id: told.append(
        Job.objects.values_list("status", "done").get(pk=job_id)))  # fmt: skip
    from accounts.jobs import job_start
    from posts.tasks import export_build

    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(owner=member, kind="export", task=export_build)
    export_build.call(job_id=job.pk)
    statuses = [status for status, _done in told]
    assert statuses[0] == "running" and statuses[-1] == "done"
    done = [count for _status, count in told]
    assert done == sorted(done) and len(told) > 5


def test_one_at_a_time_then_once_a_day(client, member, settings):
    client.force_login(member)
    client.post(reverse("export_start"))
    client.post(reverse("export_start"))  # a double click: the same job
    assert Job.objects.count() == 1
    Job.objects.update(status="done", finished=timezone.now())
    response = client.post(reverse("export_start"), follow=True)
    assert "once a day" in response.content.decode()
    assert Job.objects.count() == 1
    settings.EXPORTS_PER_DAY = 2
    client.post(reverse("export_start"))
    assert Job.objects.count() == 2


def test_a_killed_worker_leaves_no_job_running_forever(client, member, settings):
    client.force_login(member)
    client.post(reverse("export_start"))
    stale = timezone.now() - timedelta(seconds=settings.JOB_STALE_SECONDS + 1)
    Job.objects.update(status="running", started=stale, heartbeat=stale)
    content = client.get(reverse("export")).content.decode()
    assert "stopped before the end" in content
    assert "Try again" in content and "Export my data" in content
    client.post(reverse("export_start"))  # a failed one does not count against the day
    assert list(Job.objects.values_list("status", flat=True)) == ["waiting", "failed"]


def test_a_failed_build_is_told(member, monkeypatch, django_capture_on_commit_callbacks):
    from accounts.jobs import job_start
    from posts.tasks import export_build

    def broken(job):
        raise OSError("disk full")

    monkeypatch.setattr("posts.exports.export_write", broken)
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(owner=member, kind="export", task=export_build)
    assert export_build.call(job_id=job.pk) is False
    job.refresh_from_db()
    assert job.status == "failed" and "could not be built" in job.error
    assert Notification.objects.get(recipient=member).kind == "job_failed"
    assert mail.outbox == []


@pytest.fixture
def finished_job(member):
    """A finished export of `member`, with its file."""
    job = Job.objects.create(owner=member, kind="export", status="done",
                             finished=timezone.now())  # fmt: skip
    job.file.save("microblog-export.zip", ContentFile(b"PK\x05\x06" + b"\x00" * 18))
    return job


def test_only_its_owner_downloads_it_while_it_is_kept(client, finished_job, other_user,
                                                      settings):  # fmt: skip
    url = reverse("job_download", args=[finished_job.pk])
    assert client.get(url).status_code == 302  # to log in
    client.force_login(other_user)
    assert client.get(url).status_code == 404
    assert client.get(reverse("job_status", args=[finished_job.pk])).status_code == 404
    client.force_login(finished_job.owner)
    assert client.get(url).status_code == 200
    finished_job.finished = timezone.now() - timedelta(days=settings.EXPORT_KEEP_DAYS, seconds=1)
    finished_job.save()
    assert client.get(url).status_code == 404


def test_the_status_is_a_turbo_stream_of_the_job(client, finished_job):
    client.force_login(finished_job.owner)
    response = client.get(reverse("job_status", args=[finished_job.pk]))
    assert response["Content-Type"].startswith("text/vnd.turbo-stream.html")
    content = response.content.decode()
    assert 'target="job-export"' in content
    assert reverse("job_download", args=[finished_job.pk]) in content


def test_the_email_speaks_the_members_language(finished_job, settings):
    from posts.exports import export_email_compose

    finished_job.owner.language = "es"
    settings.EXPORT_ATTACH_MAX_BYTES = 10
    email = export_email_compose(finished_job, attach=True)
    assert email.subject == "[Microblog] Tu archivo está listo"
    assert email.attachments == []  # too big to ride along


def test_told_in_the_language_of_the_page_it_was_started_from(
    client, member, finished_job, monkeypatch
):
    from accounts.jobs import job_done
    from posts.exports import export_email_compose

    pushed = []
    monkeypatch.setattr("accounts.jobs.member_push_on_commit",
                        lambda user_id, render: pushed.append(render(member)))  # fmt: skip

    client.force_login(member)
    Job.objects.all().delete()
    client.post(reverse("export_start"), HTTP_ACCEPT_LANGUAGE="es")
    job = Job.objects.get()
    assert job.language == "es" and member.language == ""
    job.status, job.finished, job.file = "done", timezone.now(), finished_job.file
    assert "Tu archivo está listo" in export_email_compose(job, attach=True).subject
    job_done(job)  # its page hears it in Spanish, wherever the worker runs
    assert "Tu archivo está listo" in pushed[-1] and "Descargar" in pushed[-1]


def test_archives_are_kept_out_of_the_public_media(client, finished_job, settings):
    assert not finished_job.file.path.startswith(str(settings.MEDIA_ROOT))
    public = f"{settings.MEDIA_URL}{finished_job.file.name}"  # where an avatar would be
    assert client.get(public).status_code == 404


def test_a_mail_server_down_queues_the_email_without_the_archive(
    finished_job, settings, django_capture_on_commit_callbacks
):
    from core.mail import OUTGOING
    from posts.exports import export_email_send

    settings.MAILERS = {
        "default": {"BACKEND": "core.mail.QueuedEmailBackend"},
        OUTGOING: {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                   "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2}},
    }  # fmt: skip
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    from django.tasks import default_task_backend

    default_task_backend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        export_email_send(finished_job)
    [queued] = default_task_backend.results
    assert queued.kwargs["message"]["attachments"] == []  # no copy of the archive waits
    assert "/settings/export/" in queued.kwargs["message"]["body"]
