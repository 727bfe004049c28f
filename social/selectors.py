"""Reads about follows, and the home timeline built from them."""

from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.selectors import visible_users
from posts.models import Post
from posts.selectors import visible_posts
from social.models import Follow

# Up to this many followed accounts, the timeline names its authors in the query.
LISTED_AUTHORS_MAX = 1000


def home_timeline(*, user) -> QuerySet[Post]:
    """The user's own posts and those of everyone they follow, newest first.

    The authors are read first and named in the query: SQLite then walks each author's
    index newest first and stops early, and PostgreSQL's planner sees how much they wrote
    (a few quiet authors: their own index; prolific ones: everyone's newest posts). With a
    subquery or an OR instead, a member who follows quiet authors made PostgreSQL read all
    million posts (265 ms), and SQLite sort every followed post. A member who follows very
    many is read through a subquery, which their dense timeline does not mind.
    """
    followed = Follow.objects.filter(follower=user).values_list("followed_id", flat=True)
    listed = list(followed[:LISTED_AUTHORS_MAX])
    if len(listed) < LISTED_AUTHORS_MAX:
        authors = [user.pk, *listed]
    else:
        authors = User.objects.filter(Q(pk=user.pk) | Q(pk__in=followed)).values("pk")
    return visible_posts().filter(author__in=authors).select_related("author")


def followers_of(*, user) -> QuerySet[Follow]:
    """Follows whose `follower` (an active member) reads `user`, newest first."""
    return Follow.objects.filter(followed=user, follower__is_active=True).select_related("follower")


def followed_by(*, user) -> QuerySet[Follow]:
    """Follows of the (active) accounts `user` reads, newest first."""
    return Follow.objects.filter(follower=user, followed__is_active=True).select_related("followed")


def follower_users(*, user):
    """The users who follow `user`, most recent follow first."""
    return (
        visible_users()
        .filter(following_set__followed=user)
        .order_by("-following_set__created", "-following_set__id")
    )


def followed_users(*, user):
    """The users `user` follows, most recent follow first."""
    return (
        visible_users()
        .filter(follower_set__follower=user)
        .order_by("-follower_set__created", "-follower_set__id")
    )


def is_following(*, follower, followed) -> bool:
    """Whether `follower` follows `followed` (False for anonymous visitors and oneself)."""
    if not follower.is_authenticated or follower.pk == followed.pk:
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


def follow_neighbour_ids(*, user_ids) -> set[int]:
    """Everyone who follows or is followed by these members (whose counts they are in)."""
    followers = Follow.objects.filter(followed__in=user_ids).values_list("follower_id", flat=True)
    followed = Follow.objects.filter(follower__in=user_ids).values_list("followed_id", flat=True)
    return set(followers) | set(followed)
