"""{% post_card post %}: a post's card, rendered once per process for what it shows.

A card is the same for every reader in a language and time zone, so the "fragments" cache
(in each process) keeps it under a key made of everything it shows: a renamed author, a
new avatar or an edited body make a new key, never a stale card. Building the key in
Python costs microseconds; an `{% include %}` with a `{% cache %}` tag cost more than
half of explore's rendering.
"""

from hashlib import blake2b

from django import template
from django.core.cache import caches
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag
def post_card(post, hide_actions: bool = False):
    """The HTML card of `post`, with its delete link unless `hide_actions`."""
    author = post.author
    shown = (
        post.pk, post.body, post.created.isoformat(), author.pk, author.username, author.email,
        author.avatar.name, hide_actions, get_language(), timezone.get_current_timezone_name(),
    )  # fmt: skip
    key = "post-card:" + blake2b(repr(shown).encode(), digest_size=16).hexdigest()
    cards = caches["fragments"]
    html = cards.get(key)
    if html is None:
        html = render_to_string("posts/_post.html", {"post": post, "hide_actions": hide_actions})
        cards.set(key, html)
    return html
