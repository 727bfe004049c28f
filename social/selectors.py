"""Reads about follows, and the home timeline built from them."""

from django.db.models import Q, QuerySet

from accounts.selectors import users_with_counts
from posts.models import Post
from posts.selectors import visible_posts
from social.models import Follow


def home_timeline(*, user) -> QuerySet[Post]:
    """The user's own posts and those of everyone they follow, newest first, in one query."""
    followed = Follow.objects.filter(follower=user).values("followed_id")
    return visible_posts().filter(Q(author=user) | Q(author__in=followed)).select_related("author")


def followers_of(*, user) -> QuerySet[Follow]:
    """Follows whose `follower` (an active member) reads `user`, newest first."""
    return Follow.objects.filter(followed=user, follower__is_active=True).select_related("follower")


def followed_by(*, user) -> QuerySet[Follow]:
    """Follows of the (active) accounts `user` reads, newest first."""
    return Follow.objects.filter(follower=user, followed__is_active=True).select_related("followed")


def follower_users(*, user):
    """The users who follow `user`, with their counts, most recent follow first."""
    return (
        users_with_counts()
        .filter(following_set__followed=user)
        .order_by("-following_set__created", "-following_set__id")
    )


def followed_users(*, user):
    """The users `user` follows, with their counts, most recent follow first."""
    return (
        users_with_counts()
        .filter(follower_set__follower=user)
        .order_by("-follower_set__created", "-follower_set__id")
    )


def is_following(*, follower, followed) -> bool:
    """Whether `follower` follows `followed` (False for anonymous visitors)."""
    if not follower.is_authenticated:
        return False
    return Follow.objects.filter(follower=follower, followed=followed).exists()


def followed_ids_among(*, follower, users) -> set[int]:
    """The ids of `users` that `follower` follows, for follow buttons on a list (one query)."""
    if not follower.is_authenticated or not users:
        return set()
    return set(
        Follow.objects.filter(follower=follower, followed__in=users).values_list(
            "followed_id", flat=True
        )
    )
