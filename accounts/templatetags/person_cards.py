"""{% person_card person %} (a member in a list of people) and {% popover_card member %}
(the part of a member's popover every viewer sees): rendered once per process for what
they show, as posts' cards are (core.fragments)."""

from django import template

from core.fragments import cached_render

register = template.Library()


@register.simple_tag
def person_card(person):
    """The avatar, linked username and about me of `person` (the same for every reader)."""
    shown = (person.pk, person.username, person.about_me, person.email, person.avatar.name)
    return cached_render("accounts/_person_card.html", {"person": person}, shown=shown)


@register.simple_tag
def popover_card(member):
    """The avatar, name, times, about me and counts of `member`'s popover."""
    shown = (
        member.pk, member.username, member.about_me, member.email, member.avatar.name,
        member.last_seen, member.date_joined, member.follower_count, member.following_count,
        member.post_count,
    )  # fmt: skip
    return cached_render("accounts/_popover_card.html", {"profile_user": member}, shown=shown)
