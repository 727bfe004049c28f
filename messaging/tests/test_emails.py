"""E-mails about unread messages: scheduled by the task worker, batched, only when away."""

from datetime import timedelta
from smtplib import SMTPRecipientsRefused

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from messaging.models import MessageEmail
from messaging.services.message_emails import unread_messages_email_send
from messaging.services.messages import message_send, messages_mark_read

pytestmark = pytest.mark.django_db

AWAY = timedelta(minutes=15)


@pytest.fixture(autouse=True)
def database_tasks(settings):
    """The production task backend (django-tasks-db): tasks wait in a table until due."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def confirmed_addresses(user, other_user):
    """Both members confirmed their address (mail goes to confirmed addresses only)."""
    for member in (user, other_user):
        EmailAddress.objects.create(user=member, email=member.email, primary=True, verified=True)


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """send(sender, recipient, body): message_send, with its after-commit work done."""

    def run(sender, recipient, body):
        with django_capture_on_commit_callbacks(execute=True):
            return message_send(sender=sender, recipient=recipient, body=body)

    return run


def away(user, minutes=30):
    user.last_seen = timezone.now() - timedelta(minutes=minutes)
    user.save(update_fields=["last_seen"])


def test_one_email_for_a_batch_of_messages(user, other_user, send):
    away(other_user)
    first = send(user, other_user, "One")
    send(user, other_user, "Two")
    (task,) = DBTaskResult.objects.all()  # one task for the batch, not one per message
    assert task.run_after == first.created + AWAY
    assert task.args_kwargs["kwargs"] == {"user_id": other_user.pk}
    assert unread_messages_email_send(user_id=other_user.pk, now=task.run_after)
    (email,) = mail.outbox
    assert email.to == [other_user.email]
    assert email.subject == "[Microblog] You have 2 unread messages"
    assert f"{user.username}: 2 messages" in email.body
    assert "http://localhost:8000/messages/" in email.body
    assert "One" not in email.body  # no message text leaves the site
    # Done: the task that runs again finds nothing due.
    assert not unread_messages_email_send(user_id=other_user.pk, now=task.run_after)
    assert len(mail.outbox) == 1


def test_the_next_batch_waits_for_the_batch_window(user, other_user, send):
    away(other_user)
    send(user, other_user, "One")
    assert unread_messages_email_send(user_id=other_user.pk, now=timezone.now() + AWAY)
    sent = MessageEmail.objects.get().last_sent
    send(user, other_user, "Two")
    assert MessageEmail.objects.get().due >= sent + timedelta(minutes=15)
    assert DBTaskResult.objects.count() == 2


def test_no_email_when_the_messages_were_read_first(user, other_user, send):
    away(other_user)
    message = send(user, other_user, "One")
    messages_mark_read(reader=other_user, messages=[message])
    assert not unread_messages_email_send(user_id=other_user.pk, now=timezone.now() + AWAY)
    assert mail.outbox == []
    assert MessageEmail.objects.get().due is None


def test_a_member_around_is_asked_again_later(
    user, other_user, send, django_capture_on_commit_callbacks
):
    send(user, other_user, "One")
    other_user.last_seen = timezone.now() + timedelta(minutes=10)  # came back meanwhile
    other_user.save(update_fields=["last_seen"])
    with django_capture_on_commit_callbacks(execute=True):
        sent = unread_messages_email_send(user_id=other_user.pk, now=timezone.now() + AWAY)
    assert not sent
    assert mail.outbox == []
    assert MessageEmail.objects.get().due == other_user.last_seen + AWAY
    assert DBTaskResult.objects.count() == 2


def test_the_setting_turns_emails_off(user, other_user, send):
    other_user.message_emails = False
    other_user.save()
    send(user, other_user, "One")
    assert not DBTaskResult.objects.exists()


def test_emails_speak_the_members_language(user, other_user, send):
    away(other_user)
    other_user.language = "es"
    other_user.save()
    send(user, other_user, "Uno")
    assert unread_messages_email_send(user_id=other_user.pk, now=timezone.now() + AWAY)
    assert mail.outbox[0].subject == "[Microblog] Tienes 1 mensaje sin leer"


def test_a_mail_server_that_is_down_loses_nothing(
    settings, user, other_user, send, django_capture_on_commit_callbacks
):
    # A real SMTP connection to a port where nothing listens.
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    away(other_user)
    send(user, other_user, "One")
    now = timezone.now() + AWAY
    with django_capture_on_commit_callbacks(execute=True):
        assert not unread_messages_email_send(user_id=other_user.pk, now=now)
    state = MessageEmail.objects.get()
    assert state.due == now + timedelta(minutes=5)  # tried again later
    assert state.last_sent is None  # the batch was not delivered
    assert DBTaskResult.objects.count() == 2


@pytest.mark.django_db(transaction=True)  # the worker opens connections of its own
def test_the_worker_sends_it(user, other_user, send):
    away(other_user, minutes=60)
    send(user, other_user, "One")
    DBTaskResult.objects.update(run_after=timezone.now())  # as if 15 minutes went by
    other_user.last_seen = timezone.now() - timedelta(hours=1)
    other_user.save(update_fields=["last_seen"])
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)
    assert len(mail.outbox) == 1
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_only_a_confirmed_address_gets_it(user, other_user, send):
    away(other_user)
    EmailAddress.objects.filter(user=other_user).update(verified=False)
    send(user, other_user, "One")
    assert not unread_messages_email_send(user_id=other_user.pk, now=timezone.now() + AWAY)
    assert mail.outbox == []


def test_a_refused_address_is_not_retried(user, other_user, send, monkeypatch):
    away(other_user)
    send(user, other_user, "One")

    def refuse(self, *args, **kwargs):
        raise SMTPRecipientsRefused({other_user.email: (550, b"No such user")})

    monkeypatch.setattr(EmailMessage, "send", refuse)
    assert not unread_messages_email_send(user_id=other_user.pk, now=timezone.now() + AWAY)
    assert MessageEmail.objects.get().due is None
    assert DBTaskResult.objects.count() == 1


def test_a_message_during_the_send_gets_its_own_email(user, other_user, send, monkeypatch):
    away(other_user)
    send(user, other_user, "One")
    real_send = EmailMessage.send

    def send_slowly(self, *args, **kwargs):
        send(user, other_user, "Two, while the first e-mail goes out")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", send_slowly)
    assert unread_messages_email_send(user_id=other_user.pk, now=timezone.now() + AWAY)
    assert MessageEmail.objects.get().due is not None  # the next e-mail is scheduled
    assert DBTaskResult.objects.count() == 2


def test_sending_holds_no_transaction(user, other_user, send, monkeypatch):
    away(other_user)
    send(user, other_user, "One")
    seen = []
    real_send = EmailMessage.send

    def send_and_look(self, *args, **kwargs):
        seen.append(connection.in_atomic_block and len(connection.savepoint_ids))
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", send_and_look)
    assert unread_messages_email_send(user_id=other_user.pk, now=timezone.now() + AWAY)
    assert seen == [0]  # only the test's own transaction is open, no savepoint of ours
