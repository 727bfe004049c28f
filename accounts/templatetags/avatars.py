"""{% avatar user size %}: a user's avatar image with alt text."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def avatar(user, size: int = 48, css_class: str = ""):
    """Render the avatar of `user` as a square <img> of `size` CSS pixels."""
    return format_html(
        '<img src="{}" alt="{}" width="{}" height="{}" class="avatar rounded {}" loading="lazy">',
        user.avatar_url(size=size * 2),  # twice the pixels for high-density screens
        _("Avatar of %(username)s") % {"username": user.username},
        size,
        size,
        css_class,
    )
