"""Delete my account: with the password only; signed out and gone at once; the worker
removes everything the member left, puts the others' counts right, keeps what reports
need, and a last e-mail says so."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.files.base import ContentFile
from django.tasks import default_task_backend
from django.urls import reverse

from accounts.models import ApiToken, Job, User
from accounts.tasks import account_delete
from accounts.tests.factories import PASSWORD
from accounts.tokens import token_issue
from messaging.models import Message, Notification, Report
from messaging.selectors import unread_counts
from messaging.services.messages import message_send
from messaging.services.reports import report_create
from posts.models import Post
from posts.tests.factories import PostFactory
from social.models import Follow
from social.services import follow_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded_tasks(settings):
    """Tasks are recorded, not run (the dummy backend)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    return default_task_backend.results


@pytest.fixture
def leaver(user, other_user):
    """A member with a bit of everything: posts, follows both ways, messages both ways
    (one unread by the other member), a report about them, an avatar, an export, a token,
    a confirmed address, a saved language."""
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    user.language = "es"
    user.save(update_fields=["language"])
    PostFactory(author=user, body="Bye")
    follow_create(follower=user, followed=other_user)
    follow_create(follower=other_user, followed=user)
    message_send(sender=other_user, recipient=user, body="Hello")
    message_send(sender=user, recipient=other_user, body="Unread by them")
    report_create(reporter=other_user, reported=user, reason="Rude")
    user.avatar.save("a.webp", ContentFile(b"RIFF....WEBP"), save=True)
    export = Job.objects.create(owner=user, kind="export", status="done")
    export.file.save("export.zip", ContentFile(b"zip"))
    token_issue(user=user)
    return user


def test_the_wrong_password_changes_nothing(member_client, user, recorded_tasks):
    response = member_client.post(reverse("account_delete"),
                                  {"password": "wrong", "understood": "on"})  # fmt: skip
    assert response.status_code == 400
    assert "This is not your password." in response.content.decode()
    user.refresh_from_db()
    assert user.is_active and recorded_tasks == []


def test_deleting_needs_the_box_ticked(member_client, user, recorded_tasks):
    response = member_client.post(reverse("account_delete"), {"password": PASSWORD})
    assert response.status_code == 400
    assert User.objects.get(pk=user.pk).is_active


def test_gone_at_once_then_removed_by_the_worker(
    client, leaver, other_user, recorded_tasks, django_capture_on_commit_callbacks
):
    client.force_login(leaver)
    avatar, archive = leaver.avatar, Job.objects.get(owner=leaver).file
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_delete"),
                               {"password": PASSWORD, "understood": "on"})  # fmt: skip
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302  # signed out
    leaver.refresh_from_db()
    assert not leaver.is_active and not ApiToken.objects.filter(user=leaver).exists()
    assert client.get(reverse("profile", args=[leaver.username])).status_code == 404
    [queued] = recorded_tasks

    with django_capture_on_commit_callbacks(execute=True):  # as in the worker: autocommit
        assert account_delete.call(**queued.kwargs) is True

    assert not User.objects.filter(pk=leaver.pk).exists()
    for model in (Post, Follow, Message, Job, ApiToken, EmailAddress):
        assert not model.objects.exists(), model
    assert not Notification.objects.filter(actor_id=leaver.pk).exists()
    assert not avatar.storage.exists(avatar.name)
    assert not archive.storage.exists(archive.name)
    other_user.refresh_from_db()
    assert (other_user.follower_count, other_user.following_count) == (0, 0)
    assert unread_counts(user=other_user).messages == 0
    report = Report.objects.get()
    assert report.reported is None and report.reported_name == leaver.username
    assert [m["body"] for m in report.evidence] == ["Hello", "Unread by them"]
    [email] = mail.outbox
    assert email.to == [leaver.email] and email.subject == "[Microblog] Tu cuenta está eliminada"


def test_reactivated_before_the_worker_came_nothing_is_deleted(leaver, recorded_tasks):
    from accounts.deletion import account_delete_start
    from accounts.services import users_active_set

    account_delete_start(user=leaver, task=account_delete)
    users_active_set(users=User.objects.filter(pk=leaver.pk), active=True)  # a moderator
    assert account_delete.call(user_id=leaver.pk, farewell={"email": "", "username": "x",
                                                            "language": "en"}) is False  # fmt: skip
    assert Post.objects.filter(author=leaver).exists()


def test_the_page_says_what_goes_and_what_stays(member_client):
    content = member_client.get(reverse("account_delete")).content.decode()
    assert "This cannot be undone." in content
    assert "keep a copy of the reported messages" in content
    assert reverse("export") in content
