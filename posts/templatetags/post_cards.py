"""{% post_card post %}: a post's card, rendered once per process for what it shows.

A card is the same for every reader in a language and time zone (core.fragments); an
`{% include %}` with a `{% cache %}` tag cost more than half of explore's rendering.
"""

from django import template

from core.fragments import cached_render
from posts.languages import language_name
from posts.search.highlight import highlight as highlight_words
from posts.templatetags.post_body import post_body

register = template.Library()


@register.simple_tag
def post_card(post, hide_actions: bool = False, highlight: tuple[str, ...] = ()):
    """The HTML card of `post`, with its delete link unless `hide_actions`, and the words
    `highlight` marked in its body."""
    author = post.author
    shown = (
        post.pk, post.body, post.language, post.created.isoformat(), author.pk, author.username,
        author.email, author.avatar.name, hide_actions, highlight,
    )  # fmt: skip
    context = {"post": post, "hide_actions": hide_actions, "highlight": highlight}
    return cached_render("posts/_post.html", context, shown=shown)


@register.filter(name="language_name")
def language_name_filter(code: str) -> str:
    """A post language's name in the reader's language."""
    return language_name(code)


@register.filter
def marked_body(post, words) -> str:
    """A post's body as post_body renders it, with `words` (and their kin) marked."""
    return highlight_words(post_body(post.body), words, post.language)
