"""Messages and badges pushed live to the member's own pages (accounts.live's stream)."""

from turbo_helper import turbo_stream

from accounts.live import member_push_on_commit
from messaging.models import Message
from messaging.selectors import unread_counts
from messaging.templatetags.badges import unread_badge
from messaging.templatetags.message_cards import message_bubble_html


def conversation_target(other_id: int) -> str:
    """The DOM id of the list of a conversation with this member, on its latest page."""
    return f"messages-with-{other_id}"


def push_message_sent(*, message: Message) -> None:
    """Once committed, add the message to the conversation open in either member's pages."""
    sides = ((message.recipient, message.sender), (message.sender, message.recipient))
    for member, other in sides:
        member_push_on_commit(
            user_id=member.pk,
            render=lambda reader, other=other: turbo_stream.append(
                conversation_target(other.pk),
                content=message_bubble_html(message=message, reader=reader, other=other),
            ),
        )


def push_badges(*, user_ids) -> None:
    """Once committed, show these members their unread counts on every open page."""
    for user_id in user_ids:
        member_push_on_commit(user_id=user_id, render=_badges)


def _badges(member) -> str:
    """Turbo Streams replacing the member's three badges with fresh counts."""
    counts = unread_counts(user=member)
    shown = {
        "messages": counts.messages,
        "notifications": counts.notifications,
        "any": counts.total,
    }
    return "".join(
        turbo_stream.replace_all(
            f".unread-badge[data-unread={kind}]", content=unread_badge(n, kind)
        )
        for kind, n in shown.items()
    )
