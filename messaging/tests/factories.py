"""Factories for messages (through the service that keeps both inboxes)."""

from messaging.models import Message
from messaging.services.messages import messages_bulk_create


def send(sender, recipient, body="Hello there") -> Message:
    """A message from `sender` to `recipient`, with both inbox lines, and no rate limit."""
    message = Message(sender=sender, recipient=recipient, body=body)
    messages_bulk_create(messages=[message])
    return message
