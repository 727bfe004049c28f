"""Follows seen live: the home stream (posts of the people one follows) and the profile stream."""

from django.contrib.auth import get_user_model

from accounts.live import profile_group
from core import live
from core.text import id_from_text
from posts.live import author_group
from social.models import Follow

# A home page hears the newest posts of at most this many of the people its reader follows
# (each is a group its socket joins); the others' posts show on the next visit.
HOME_AUTHORS_MAX = 1000


@live.stream("home")
def home_stream(*, user, argument: str) -> list[str]:
    """A member's home: their own posts and those of the people they follow."""
    if argument or not user.is_authenticated:
        return []
    followed = Follow.objects.filter(follower=user, followed__is_active=True)
    authors = followed.order_by("-pk").values_list("followed_id", flat=True)
    return [author_group(pk) for pk in [user.pk, *authors[: HOME_AUTHORS_MAX - 1]]]


@live.stream("profile")
def profile_stream(*, user, argument: str) -> list[str]:
    """An active member's profile: their posts and counts, public like the page."""
    member_id = id_from_text(argument)
    active = get_user_model().objects.filter(pk=member_id, is_active=True).exists()
    return [author_group(member_id), profile_group(member_id)] if member_id and active else []
