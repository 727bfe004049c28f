"""Object storage as configured by the S3_* variables: where media and private files go,
what the Content-Security-Policy allows, what /readyz says, and names that try to escape.

moto's S3 server (conftest.ObjectStore) stands in for the paid object storage: it speaks
S3's HTTP protocol on 127.0.0.1, so the site talks to it as to the real thing.
"""

import json

import pytest
from django.core.exceptions import SuspiciousOperation
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from core import health

pytestmark = pytest.mark.django_db

SHOW = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
from django.test import Client
print(json.dumps({
    "csp": Client().get("/healthz").headers["Content-Security-Policy"],
    "avatar": storages["default"].url("avatars/1/a.webp"),
    "archive": storages["private"].url("jobs/1/x/a.zip"),
    "serve_media": settings.SERVE_MEDIA,
}))
"""


def configured(run_settings, **env) -> dict:
    """What a process started with these S3_* variables shows."""
    env = {"ALLOWED_HOSTS": "testserver", "S3_ACCESS_KEY_ID": "key",
           "S3_SECRET_ACCESS_KEY": "secret", **env}  # fmt: skip
    result = run_settings(SHOW, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def img_src(csp: str) -> list[str]:
    [directive] = [d.split()[1:] for d in csp.split("; ") if d.startswith("img-src ")]
    return directive


def test_an_s3_compatible_store_serves_media_and_signs_private_files(run_settings):
    shown = configured(run_settings, S3_BUCKET="microblog", S3_ENDPOINT_URL="http://s3.test:9000/")
    assert shown["avatar"] == "http://s3.test:9000/microblog/media/avatars/1/a.webp"
    assert shown["archive"].startswith("http://s3.test:9000/microblog/private/jobs/1/x/a.zip?")
    assert "X-Amz-Signature=" in shown["archive"]
    assert img_src(shown["csp"]) == ["'self'", "data:", "https://www.gravatar.com",
                                     "http://s3.test:9000/microblog/media/"]  # fmt: skip
    assert shown["serve_media"] is False  # nothing of theirs is on this machine's disk


def test_a_cdn_in_front_of_the_bucket_serves_media_but_never_private_files(run_settings):
    shown = configured(run_settings, S3_BUCKET="microblog", S3_REGION="eu-west-3",
                       S3_PUBLIC_URL="https://media.example.com")  # fmt: skip
    assert shown["avatar"] == "https://media.example.com/media/avatars/1/a.webp"
    assert shown["archive"].startswith(
        "https://microblog.s3.eu-west-3.amazonaws.com/private/jobs/1/x/a.zip?"
    )
    assert "X-Amz-Signature=" in shown["archive"]
    assert img_src(shown["csp"])[-1] == "https://media.example.com/media/"


def test_without_a_bucket_the_policy_names_no_other_origin(client, settings):
    # This process runs without S3_BUCKET: files on disk, images from here and Gravatar.
    assert settings.MEDIA_IMAGE_SOURCES == []
    csp = client.get("/healthz").headers["Content-Security-Policy"]
    assert img_src(csp) == ["'self'", "data:", "https://www.gravatar.com"]


def test_a_name_cannot_climb_out_of_the_private_prefix(object_store):
    private = storages["private"]
    for name in ("../media/x.html", "jobs/../../media/x.html", "/media/x.html"):
        with pytest.raises(SuspiciousOperation):
            private.save(name, ContentFile(b"<script>alert(1)</script>"))
    assert object_store.keys("media/") == []


def test_an_existing_name_is_never_overwritten(object_store):
    private = storages["private"]
    first = private.save("jobs/1/a.zip", ContentFile(b"first"))
    second = private.save("jobs/1/a.zip", ContentFile(b"second"))
    assert first != second
    with private.open(first) as file:
        assert file.read() == b"first"


def test_readyz_asks_the_bucket_at_most_every_few_seconds(client, object_store, monkeypatch):
    health._buckets_asked.clear()
    assert client.get("/readyz").json()["checks"]["object_storage"] == "ok"
    object_store.stop()
    # Within the window the last answer stands: a probe every second costs no requests.
    assert client.get("/readyz").status_code == 200
    monkeypatch.setattr(health, "OBJECT_STORAGE_CHECK_SECONDS", 0)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["object_storage"] == "failed"
    object_store.start()
    assert client.get("/readyz").json()["checks"]["object_storage"] == "ok"


def test_readyz_has_no_object_storage_check_without_one(client):
    assert "object_storage" not in client.get("/readyz").json()["checks"]
