"""{% conversation_row %} and {% message_bubble %}: rows of the inbox and of a conversation,
rendered once per process for what they show (core.fragments)."""

from django import template

from core.fragments import cached_render

register = template.Library()


@register.simple_tag(takes_context=True)
def conversation_row(context, conversation):
    """One line of the reader's inbox: the other member, the last message, the unread count."""
    other, last = conversation.other, conversation.last_message
    mine = last.sender_id == context["user"].pk
    shown = (
        other.pk, other.username, other.email, other.avatar.name, last.pk, last.body,
        last.created.isoformat(), mine, conversation.unread_count,
    )  # fmt: skip
    row = {"conversation": conversation, "other": other, "last": last, "mine": mine}
    return cached_render("messaging/_conversation_row.html", row, shown=shown)


@register.simple_tag(takes_context=True)
def message_bubble(context, message, other):
    """One message of a conversation with `other`, on the reader's side if they sent it."""
    return message_bubble_html(message=message, reader=context["user"], other=other)


def message_bubble_html(*, message, reader, other) -> str:
    """A message as `reader` sees it in their conversation with `other` (also pushed live)."""
    mine = message.sender_id == reader.pk
    shown = (message.pk, message.body, message.created.isoformat(), mine, bool(message.read),
             other.username)  # fmt: skip
    bubble = {"message": message, "other": other, "mine": mine}
    return cached_render("messaging/_message.html", bubble, shown=shown)
