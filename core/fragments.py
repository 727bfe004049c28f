"""Fragments that look the same to every reader who sees the same thing, rendered once.

The "fragments" cache (in each process) keeps a fragment under a key made of everything
it shows, with the language and time zone: a renamed member, a new avatar or an edited
body make a new key, never a stale fragment. Building the key in Python costs
microseconds; rendering a row of a list cost a list page most of its time.
"""

from hashlib import blake2b

from django.core.cache import caches
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language


def cached_render(template_name: str, context: dict, *, shown: tuple) -> str:
    """`template_name` rendered with `context` (no request), kept under what it `shown`s."""
    identity = (template_name, shown, get_language(), timezone.get_current_timezone_name())
    key = "fragment:" + blake2b(repr(identity).encode(), digest_size=16).hexdigest()
    fragments = caches["fragments"]
    html = fragments.get(key)
    if html is None:
        html = render_to_string(template_name, context)
        fragments.set(key, html)
    return html
