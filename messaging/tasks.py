"""Background tasks of the messaging app: thin, they call a service."""

from django.tasks import task

from messaging.services.message_emails import unread_messages_email_send


@task
def unread_messages_email(*, user_id: int) -> bool:
    """Send a member their due e-mail about unread messages (see the service)."""
    return unread_messages_email_send(user_id=user_id)
