"""<time> elements that the browser shows in the reader's language and time zone.

The server renders the local date and time in the active language and time zone (the same
for every reader there, so it can be cached); app.js rewrites it with the browser's Intl
APIs, relative times included ("3 minutes ago", refreshed while the page is open).
"""

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def relative_time(value):
    """A time that the browser shows as "3 minutes ago", with the exact local time on hover."""
    local = date_format(timezone.localtime(value), "DATETIME_FORMAT")
    return format_html(
        '<time datetime="{}" data-relative title="{}" tabindex="0">{}</time>',
        value.isoformat(),
        local,
        local,
    )


@register.simple_tag
def local_date(value, style: str = "date"):
    """`value` as a local date ("date") or date and time ("datetime")."""
    django_format = "DATETIME_FORMAT" if style == "datetime" else "DATE_FORMAT"
    return format_html(
        '<time datetime="{}" data-absolute="{}">{}</time>',
        value.isoformat(),
        style,
        date_format(timezone.localtime(value), django_format),
    )
