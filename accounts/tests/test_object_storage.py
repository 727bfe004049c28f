"""Avatars and jobs' files in object storage, as several machines share it.

moto's S3 server (conftest.ObjectStore) stands in for the paid object storage: it speaks
S3's HTTP protocol on 127.0.0.1, so the site talks to it exactly as to the real thing
(django-storages, boto3), and a browser fetches its URLs.
"""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.models import Job, User
from accounts.tasks import account_delete
from accounts.tests.factories import UserFactory
from accounts.tests.test_profile import image_upload
from core.housekeeping import housekeeping_run

pytestmark = pytest.mark.django_db


def upload_avatar(client, user, *, capture):
    """Send a new avatar through the profile form, as the member does."""
    data = {"username": user.username, "about_me": "", "avatar": image_upload()}
    with capture(execute=True):
        return client.post(reverse("profile_edit"), data)


def an_archive(owner, *, finished):
    """A finished job with a file in the private storage."""
    job = Job.objects.create(owner=owner, kind="export", status="done", finished=finished)
    job.file.save("microblog-export.zip", ContentFile(b"PK\x05\x06" + b"\x00" * 18))
    return job


def test_an_uploaded_avatar_is_served_from_the_bucket(
    object_store, member_client, user, django_capture_on_commit_callbacks
):
    response = upload_avatar(member_client, user, capture=django_capture_on_commit_callbacks)
    assert response.status_code == 302
    [key] = object_store.keys("media/")
    assert key.startswith(f"media/avatars/{user.pk}/") and key.endswith(".webp")

    page = member_client.get(reverse("profile", args=[user.username])).content.decode()
    url = f"{object_store.public_url}/{key}"
    assert f'src="{url}"' in page
    status, headers, body = object_store.fetch(url)  # a browser, with no credentials
    assert status == 200
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    with Image.open(BytesIO(body)) as image:
        assert (image.format, image.size) == ("WEBP", (256, 256))


def test_replacing_then_removing_the_avatar_deletes_its_objects(
    object_store, member_client, user, django_capture_on_commit_callbacks
):
    upload_avatar(member_client, user, capture=django_capture_on_commit_callbacks)
    [first] = object_store.keys("media/")
    upload_avatar(member_client, user, capture=django_capture_on_commit_callbacks)
    [second] = object_store.keys("media/")
    assert second != first
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(
            reverse("profile_edit"),
            {"username": user.username, "about_me": "", "remove_avatar": "on"},
        )
    assert object_store.keys("media/") == []
    user.refresh_from_db()
    assert "gravatar.com" in user.avatar_url()


def test_with_the_store_down_an_avatar_is_refused_plainly_and_nothing_changes(
    object_store, member_client, user, django_capture_on_commit_callbacks
):
    upload_avatar(member_client, user, capture=django_capture_on_commit_callbacks)
    [kept] = object_store.keys("media/")
    object_store.stop()

    data = {"username": "renamed", "about_me": "new words", "avatar": image_upload()}
    response = member_client.post(reverse("profile_edit"), data)

    assert response.status_code == 200  # the form again, not an error page
    assert "Your avatar could not be stored just now" in response.content.decode()
    user.refresh_from_db()
    assert (user.username, user.about_me) != ("renamed", "new words")
    object_store.start()
    assert object_store.keys("media/") == [kept]
    assert user.avatar.name == kept.removeprefix("media/")


def test_deleting_an_account_removes_its_avatar_and_archives(
    object_store, member_client, user, django_capture_on_commit_callbacks
):
    upload_avatar(member_client, user, capture=django_capture_on_commit_callbacks)
    an_archive(user, finished=timezone.now())
    assert object_store.keys("media/") and object_store.keys("private/")
    User.objects.filter(pk=user.pk).update(is_active=False)  # as "Delete my account" does
    farewell = {"email": "", "username": user.username, "language": "en"}

    with django_capture_on_commit_callbacks(execute=True):
        assert account_delete.call(user_id=user.pk, farewell=farewell) is True

    assert not User.objects.filter(pk=user.pk).exists()
    assert object_store.keys() == []


def test_with_the_store_down_the_account_waits_with_its_files_until_it_returns(
    object_store, member_client, user, django_capture_on_commit_callbacks
):
    upload_avatar(member_client, user, capture=django_capture_on_commit_callbacks)
    an_archive(user, finished=timezone.now())
    User.objects.filter(pk=user.pk).update(is_active=False)
    farewell = {"email": "", "username": user.username, "language": "en"}
    object_store.stop()

    with django_capture_on_commit_callbacks(execute=True):
        assert account_delete.call(user_id=user.pk, farewell=farewell) is False

    assert User.objects.filter(pk=user.pk).exists()  # nothing named by a row was lost
    object_store.start()
    with django_capture_on_commit_callbacks(execute=True):
        assert account_delete.call(user_id=user.pk, farewell=farewell) is True
    assert object_store.keys() == []


def test_housekeeping_deletes_expired_archives_from_the_bucket(object_store, user, settings):
    old = timezone.now() - timedelta(days=settings.EXPORT_KEEP_DAYS, hours=1)
    expired = an_archive(user, finished=old)
    fresh = an_archive(user, finished=timezone.now())

    housekeeping_run()

    assert object_store.keys("private/") == [f"private/{fresh.file.name}"]
    assert not Job.objects.filter(pk=expired.pk).exists()


def test_housekeeping_keeps_an_archive_it_could_not_delete_for_its_next_run(
    object_store, user, settings
):
    old = timezone.now() - timedelta(days=settings.EXPORT_KEEP_DAYS, hours=1)
    expired = an_archive(user, finished=old)
    object_store.stop()

    housekeeping_run()

    assert Job.objects.filter(pk=expired.pk).exists()
    object_store.start()
    assert object_store.keys("private/") == [f"private/{expired.file.name}"]
    housekeeping_run()
    assert object_store.keys("private/") == []
    assert not Job.objects.filter(pk=expired.pk).exists()


def test_in_the_admin_a_store_that_is_down_is_an_error_of_the_avatar_field(
    object_store, admin_client, user
):
    url = reverse("admin:accounts_user_change", args=[user.pk])
    form = {"username": "renamed", "email": user.email, "is_active": "on",
            "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00"}  # fmt: skip
    other = UserFactory()
    refused = admin_client.post(url, form | {"username": other.username, "avatar": image_upload()})
    assert "already exists" in refused.content.decode()
    assert object_store.keys("media/") == []  # refused for its name: no file was stored
    object_store.stop()
    response = admin_client.post(url, form | {"avatar": image_upload()})
    assert response.status_code == 200  # the form again, not an error page
    assert "Your avatar could not be stored just now" in response.content.decode()
    user.refresh_from_db()
    assert user.username != "renamed" and not user.avatar


def test_an_avatar_replaced_or_cleared_in_the_admin_leaves_no_object_behind(
    object_store, admin_client, user, django_capture_on_commit_callbacks
):
    url = reverse("admin:accounts_user_change", args=[user.pk])
    form = {"username": user.username, "email": user.email, "is_active": "on",
            "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00"}  # fmt: skip
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(url, form | {"avatar": image_upload()})
        assert response.status_code == 302
    user.refresh_from_db()
    assert object_store.keys("media/") == [f"media/{user.avatar.name}"]
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url, form | {"avatar-clear": "on"})
    assert object_store.keys("media/") == []
