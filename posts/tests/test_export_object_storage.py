"""Export your data with the archives in object storage: built by the worker into the
private prefix, never readable without the site, downloaded by its owner only.

moto's S3 server (conftest.ObjectStore) stands in for the paid object storage: it speaks
S3's HTTP protocol on 127.0.0.1 and refuses an object to a request without credentials
or signature unless the bucket says otherwise, as the real thing does.
"""

import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from accounts.models import Job
from posts.tests.factories import PostFactory

pytestmark = pytest.mark.django_db

# How a zip archive starts ("PK" alone also turns up in the store's random request ids).
ZIP_SIGNATURE = b"PK\x03\x04"


@pytest.fixture
def member(user, object_store):
    """A member with a post and an avatar in the bucket."""
    PostFactory(author=user, body="Hello from the bucket")
    user.avatar.save("a.webp", ContentFile(b"RIFF....WEBP"), save=True)
    return user


def export(client, member, capture) -> Job:
    """Ask for an export from the settings page; the (immediate) worker builds it."""
    client.force_login(member)
    with capture(execute=True):
        client.post(reverse("export_start"))
    return Job.objects.filter(owner=member).latest("created")


def test_the_archive_is_private_and_only_its_owner_downloads_it(
    client, member, other_user, object_store, django_capture_on_commit_callbacks
):
    job = export(client, member, django_capture_on_commit_callbacks)
    assert job.status == "done"
    key = f"private/{job.file.name}"
    assert object_store.keys("private/") == [key]
    # Its plain address gives nothing to a browser, nor one dressed up as media (a key
    # is a name: media/../ is not a way out of media/).
    status, _headers, body = object_store.fetch(f"{object_store.public_url}/{key}")
    assert status == 403 and not body.startswith(ZIP_SIGNATURE)
    status, _headers, body = object_store.fetch(f"{object_store.public_url}/media/../{key}")
    assert status in (403, 404) and not body.startswith(ZIP_SIGNATURE)

    response = client.get(reverse("job_download", args=[job.pk]))
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    signed = response["Location"]
    assert signed.startswith(f"{object_store.public_url}/{key}?") and "X-Amz-Signature" in signed
    assert "X-Amz-Expires=60&" in signed  # a minute: enough to follow the redirect
    status, headers, body = object_store.fetch(signed)
    assert status == 200
    filename = job.file.name.rsplit("/", 1)[1]
    assert headers["content-disposition"] == f'attachment; filename="{filename}"'
    archive = zipfile.ZipFile(io.BytesIO(body))
    assert archive.read("avatar.webp") == b"RIFF....WEBP"
    assert "Hello from the bucket" in archive.read("posts.json").decode()

    client.force_login(other_user)
    assert client.get(reverse("job_download", args=[job.pk])).status_code == 404


def test_an_avatar_missing_from_the_bucket_leaves_the_rest_of_the_archive(
    client, member, object_store, django_capture_on_commit_callbacks
):
    object_store.client.delete_object(Bucket=object_store.BUCKET, Key=f"media/{member.avatar}")
    job = export(client, member, django_capture_on_commit_callbacks)
    assert job.status == "done"
    with job.file.open("rb") as file:
        names = zipfile.ZipFile(io.BytesIO(file.read())).namelist()
    assert "posts.json" in names and "avatar.webp" not in names


def test_with_the_store_down_the_export_fails_cleanly_and_can_be_started_again(
    client, member, object_store, django_capture_on_commit_callbacks
):
    object_store.stop()
    failed = export(client, member, django_capture_on_commit_callbacks)
    assert failed.status == "failed"
    page = client.get(reverse("export")).content.decode()
    assert "Your archive could not be built. Please try again." in page

    object_store.start()
    job = export(client, member, django_capture_on_commit_callbacks)
    assert job.pk != failed.pk and job.status == "done"
    assert object_store.keys("private/") == [f"private/{job.file.name}"]
