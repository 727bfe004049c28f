"""Reads about follows, and the home timeline built from them."""

from datetime import UTC, datetime

from django.db.models import DateTimeField, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest, Least

from accounts.models import User
from accounts.selectors import users_with_counts
from posts.models import Post
from posts.selectors import visible_posts
from social.models import Follow

DAWN = Value(datetime(1, 1, 2, tzinfo=UTC), output_field=DateTimeField())
DUSK = Value(datetime(9999, 12, 30, tzinfo=UTC), output_field=DateTimeField())


def home_timeline(*, user) -> QuerySet[Post]:
    """The user's own posts and those of everyone they follow, newest first, in one query."""
    followed = Follow.objects.filter(follower=user).values("followed_id")
    # One IN over the authors, not an OR of two: each author's index range is then read
    # newest first, and `home_timeline_reach` can stop every one of them early.
    authors = User.objects.filter(Q(pk=user.pk) | Q(pk__in=followed)).values("pk")
    return visible_posts().filter(author__in=authors).select_related("author")


def home_timeline_reach(
    posts: QuerySet[Post], *, user, newest_first: bool, count: int
) -> QuerySet[Post]:
    """`posts` (a home timeline past a page's cursor) cut to what the next `count` can be.

    Those `count` posts are each among their author's `count` nearest, so none lies beyond
    the nearest of the authors' `count`-th posts. With that bound, the database reads at
    most `count` rows per author however much they wrote, instead of sorting all of it:
    page 1 costs the same at a million posts as at a thousand.
    """
    order = ("-created", "-id") if newest_first else ("created", "id")
    beyond, nearest = (DAWN, Greatest) if newest_first else (DUSK, Least)

    def edge(author) -> Coalesce:
        nth = posts.filter(author=author).order_by(*order).values("created")[count - 1 : count]
        return Coalesce(Subquery(nth), beyond)

    followed_edges = (
        Follow.objects.filter(follower=user)
        .annotate(edge=edge(OuterRef("followed_id")))
        .order_by(F("edge").desc() if newest_first else F("edge").asc())
        .values("edge")[:1]
    )
    bound = nearest(Coalesce(Subquery(followed_edges), beyond), edge(user.pk))
    return posts.filter(created__gte=bound) if newest_first else posts.filter(created__lte=bound)


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
