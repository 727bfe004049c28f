"""{% post_card post %}: a post's card, rendered once per process for what it shows.

A card is the same for every reader in a language and time zone (core.fragments); an
`{% include %}` with a `{% cache %}` tag cost more than half of explore's rendering.
"""

from django import template

from core.fragments import cached_render
from posts.languages import language_name

register = template.Library()


@register.simple_tag
def post_card(post, hide_actions: bool = False):
    """The HTML card of `post`, with its delete link unless `hide_actions`."""
    author = post.author
    shown = (
        post.pk, post.body, post.language, post.created.isoformat(), author.pk, author.username,
        author.email, author.avatar.name, hide_actions,
    )  # fmt: skip
    context = {"post": post, "hide_actions": hide_actions}
    return cached_render("posts/_post.html", context, shown=shown)


@register.filter(name="language_name")
def language_name_filter(code: str) -> str:
    """A post language's name in the reader's language."""
    return language_name(code)
