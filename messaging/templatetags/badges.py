"""{% unread_badge count kind %}: the navbar's count of unread messages or notifications."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from messaging.selectors import UNREAD_COUNT_CAP

register = template.Library()


@register.filter
def badge_number(count: int) -> str:
    """The count as a badge shows it: "99+" from the cap on."""
    return f"{UNREAD_COUNT_CAP - 1}+" if count >= UNREAD_COUNT_CAP else str(count)


@register.simple_tag
def unread_badge(count: int, kind: str):
    """The badge (hidden when there is nothing unread) that app.js keeps up to date."""
    labels = {
        "messages": _("unread messages"),
        "notifications": _("unread notifications"),
        "any": _("unread messages and notifications"),
    }
    label = labels[kind]
    return format_html(
        '<span class="badge rounded-pill text-bg-danger unread-badge" data-unread="{}"{}>'
        '{}<span class="visually-hidden"> {}</span></span>',
        kind,
        "" if count else " hidden",
        badge_number(count),
        label,
    )
