"""E-mail off the request path: queued by the default mailer, sent by the worker through
"outgoing", retried while the mail server is down (a real SMTP connection to a port where
nothing listens), sent once it is back."""

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.tasks import default_task_backend
from django.urls import reverse

from core.mail import message_from_data, message_to_data
from core.tasks import mail_send
from deploy.stack import free_port

pytestmark = pytest.mark.django_db

LOCMEM = {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}


@pytest.fixture
def queued_mail(settings):
    """The site's mailers as in production; the outgoing one keeps what it is given."""
    settings.MAILERS = {"default": {"BACKEND": "core.mail.QueuedEmailBackend"},
                        "outgoing": LOCMEM}  # fmt: skip
    return settings


@pytest.fixture
def recorded_tasks(settings):
    """Tasks are recorded, not run (the dummy backend, which can defer)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    return default_task_backend.results


def test_a_message_survives_the_queue_whole():
    message = EmailMultiAlternatives(
        subject="Hola", body="Plain ñ", from_email="Site <site@example.com>",
        to=["a@example.com"], cc=["c@example.com"], bcc=["b@example.com"],
        reply_to=["r@example.com"], headers={"X-Kind": "test"},
    )  # fmt: skip
    message.attach_alternative("<p>HTML ñ</p>", "text/html")
    message.attach("posts.zip", b"\x00\x01binary", "application/zip")
    message.attach("note.txt", "text ñ", "text/plain")
    again = message_from_data(message_to_data(message))
    for field in ("subject", "body", "from_email", "to", "cc", "bcc", "reply_to",
                  "extra_headers", "alternatives", "attachments"):  # fmt: skip
        assert getattr(again, field) == getattr(message, field), field


def test_a_page_that_sends_mail_only_queues_it(
    client, user, queued_mail, recorded_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert mail.outbox == []  # nothing sent during the request
    [queued] = recorded_tasks
    assert queued.task.name == "mail_send"
    assert queued.kwargs["message"]["to"] == [user.email]
    assert mail_send.call(**queued.kwargs) is True
    assert "/password/reset/key/" in mail.outbox[0].body


def test_a_mail_server_that_is_down_delays_and_loses_nothing(
    queued_mail, recorded_tasks, django_capture_on_commit_callbacks
):
    queued_mail.MAILERS = {**queued_mail.MAILERS, "outgoing": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
    }}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        mail.send_mail("Your export is ready", "Body", None, ["a@example.com"])
    [queued] = recorded_tasks
    assert mail_send.call(**queued.kwargs) is False  # refused: tried again later
    retry = recorded_tasks[1]
    assert retry.kwargs["attempt"] == 1 and retry.task.run_after is not None
    queued_mail.MAILERS = {**queued_mail.MAILERS, "outgoing": LOCMEM}  # back
    assert mail_send.call(**retry.kwargs) is True
    assert [message.subject for message in mail.outbox] == ["Your export is ready"]


def test_error_reports_go_straight_to_the_mail_server(settings):
    handler = settings.LOGGING["handlers"]["mail_admins"]
    assert handler["using"] == "outgoing"
