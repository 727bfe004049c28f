"""{% person_card person %}: a member's avatar, name and about me in a list of people,
rendered once per process for what it shows (as posts' cards are: core.fragments)."""

from django import template

from core.fragments import cached_render

register = template.Library()


@register.simple_tag
def person_card(person):
    """The avatar, linked username and about me of `person` (the same for every reader)."""
    shown = (person.pk, person.username, person.about_me, person.email, person.avatar.name)
    return cached_render("accounts/_person_card.html", {"person": person}, shown=shown)
