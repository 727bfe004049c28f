"""{% follow_button person following form %}: a list's follow button, rendered once per
process for what it shows (core.fragments). The list's one form (`form`, by id) holds the
reader's CSRF token and `next`, so the button itself is the same for every reader."""

from django import template

from core.fragments import cached_render

register = template.Library()


@register.simple_tag
def follow_button(person, following: bool, form: str):
    """The Follow (or Unfollow) button of `person`, posting the form with id `form`."""
    shown = (person.pk, person.username, following, form)
    context = {"person": person, "following": following, "form": form}
    return cached_render("social/_follow_button.html", context, shown=shown)
