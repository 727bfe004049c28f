"""<time> elements that the browser shows in the reader's language and time zone.

The server renders a readable fallback in the active language and time zone; app.js then
rewrites it with the browser's Intl APIs (relative times refresh while the page is open).
"""

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def relative_time(value):
    """How long ago `value` was ("3 minutes ago"), with the exact local time on hover/focus."""
    return format_html(
        '<time datetime="{}" data-relative title="{}" tabindex="0">{}</time>',
        value.isoformat(),
        date_format(timezone.localtime(value), "DATETIME_FORMAT"),
        _("%(time)s ago") % {"time": timesince(value)},
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
