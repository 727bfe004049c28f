"""E-mail off the request path.

The site's default mailer, `QueuedEmailBackend`, hands every message (allauth's, ours) to
the task queue once the transaction commits; the worker sends it through the "outgoing"
mailer (MAILER_URL) and tries again later while the mail server fails
(`core.tasks.mail_send`). A mail outage delays nothing a member is doing and loses nothing.
Error reports go straight to "outgoing": they must not depend on the queue.
"""

import base64
from contextlib import nullcontext
from functools import partial
from smtplib import SMTPException

from anymail.exceptions import AnymailError
from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

OUTGOING = "outgoing"
# What a mail server or an ESP failing raises.
MAIL_FAILURES = (OSError, SMTPException, AnymailError)


def _content(value) -> dict:
    if isinstance(value, bytes):
        return {"base64": base64.b64encode(value).decode()}
    return {"text": value}


def _value(content: dict):
    return base64.b64decode(content["base64"]) if "base64" in content else content["text"]


def email_compose(template: str, context: dict, *, to: str, language: str,
                  zone=None) -> EmailMessage:  # fmt: skip
    """The e-mail `template`_subject.txt and `template`_message.txt make, rendered in
    `language` (and time zone `zone`, if any), its subject on one line after the site's
    prefix."""
    with translation.override(language), timezone.override(zone) if zone else nullcontext():
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}_message.txt", context)
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
    return EmailMessage(subject=subject, body=body, to=[to])


def message_to_data(message) -> dict:
    """`message` (an EmailMessage) as JSON-ready data, for a task's arguments."""
    return {
        "subject": message.subject, "body": message.body, "from_email": message.from_email,
        "to": list(message.to), "cc": list(message.cc), "bcc": list(message.bcc),
        "reply_to": list(message.reply_to), "headers": dict(message.extra_headers),
        "alternatives": [[_content(content), mimetype]
                         for content, mimetype in getattr(message, "alternatives", [])],
        "attachments": [[filename, _content(content), mimetype]
                        for filename, content, mimetype in message.attachments],
    }  # fmt: skip


def message_from_data(data: dict) -> EmailMultiAlternatives:
    """The message `message_to_data` described."""
    message = EmailMultiAlternatives(
        subject=data["subject"], body=data["body"], from_email=data["from_email"],
        to=data["to"], cc=data["cc"], bcc=data["bcc"], reply_to=data["reply_to"],
        headers=data["headers"],
    )  # fmt: skip
    for content, mimetype in data["alternatives"]:
        message.attach_alternative(_value(content), mimetype)
    for filename, content, mimetype in data["attachments"]:
        message.attach(filename, _value(content), mimetype)
    return message


def message_deliver(data: dict) -> None:
    """Send the message `data` describes through the outgoing mailer (errors propagate)."""
    message_from_data(data).send(using=OUTGOING)


class QueuedEmailBackend(BaseEmailBackend):
    """Queue each message for the task worker, after the transaction commits."""

    def send_messages(self, email_messages) -> int:
        """Enqueue one `mail_send` task per message; returns how many."""
        from core.tasks import mail_send  # core.tasks sends through this module

        for message in email_messages:
            enqueue = partial(mail_send.enqueue, message=message_to_data(message))
            # Robust: a message that cannot be queued never fails what the member did.
            transaction.on_commit(enqueue, robust=True)
        return len(email_messages)
