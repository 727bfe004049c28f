"""Error reports: never a credential in an e-mail, never an e-mail per scanner request."""

import io
import logging

import pytest
from django.core import mail
from django.test import RequestFactory

from core.reporting import mask_url_credentials

pytestmark = pytest.mark.django_db

SECRET = "hunter2-redis-password"


def test_url_passwords_are_masked_at_any_depth():
    masked = mask_url_credentials(
        {"LOCATION": f"redis://:{SECRET}@cache:6379/0", "hosts": [f"rediss://u:{SECRET}@h"]}
    )
    assert SECRET not in repr(masked)
    assert masked["LOCATION"].startswith("redis://:*") and masked["LOCATION"].endswith(
        "@cache:6379/0"
    )


def test_a_500_report_carries_no_redis_password(settings):
    settings.ADMINS = ["ops@example.com"]
    settings.DEBUG = False
    settings.REDIS_URL = f"redis://:{SECRET}@cache.internal:6379/0"
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [settings.REDIS_URL]},
        }
    }
    request = RequestFactory().get("/", REDIS_URL=settings.REDIS_URL)
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logging.getLogger("django.request").error(
            "Internal Server Error: /",
            exc_info=True,
            extra={"status_code": 500, "request": request},
        )
    [report] = mail.outbox
    everything = report.body + "".join(str(part[0]) for part in report.alternatives)
    assert "REDIS_URL" in everything and "cache.internal" in everything
    assert SECRET not in everything


def test_a_bad_host_header_sends_no_email_and_logs_one_line(client, settings):
    settings.ADMINS = ["ops@example.com"]
    handler = logging.getLogger("django.security").handlers[0]  # the site's (pytest adds its own)
    output = io.StringIO()
    previous = handler.setStream(output)
    try:
        for _ in range(3):
            assert client.get("/explore/", HTTP_HOST="evil.example").status_code == 400
    finally:
        handler.setStream(previous)
    assert mail.outbox == []
    lines = output.getvalue().splitlines()
    assert len(lines) == 3 and "Invalid HTTP_HOST header: 'evil.example'" in lines[0]


def test_a_bad_host_under_the_api_is_the_json_error(client):
    response = client.get("/api/users", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response.json()["error"] == "Bad Request"


def test_suspicious_requests_are_400s_and_send_no_email(client, settings):
    settings.ADMINS = ["ops@example.com"]
    too_many = "&".join(f"a{n}=1" for n in range(1100))
    assert client.get(f"/explore/?{too_many}").status_code == 400
    response = client.get(f"/api/explore?{too_many}")
    assert response.status_code == 400 and response.json()["error"] == "Bad Request"
    assert mail.outbox == []
