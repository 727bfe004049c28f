"""Reads about users: a profile with its counts in one query."""

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from accounts.models import User
from posts.models import Post
from social.models import Follow


def _count_of(queryset, field: str) -> Coalesce:
    """A correlated COUNT subquery of `queryset` rows whose `field` is the outer user."""
    counted = (
        queryset.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def users_with_counts():
    """Users annotated with post_count, follower_count and following_count."""
    return User.objects.annotate(
        post_count=_count_of(Post.objects.all(), "author"),
        follower_count=_count_of(Follow.objects.all(), "followed"),
        following_count=_count_of(Follow.objects.all(), "follower"),
    )


def active_users():
    """Every active user with their counts, oldest account first."""
    return users_with_counts().filter(is_active=True).order_by("pk")


def profile_get(*, username: str) -> User:
    """The active user with this username (any letter case) and their counts, or 404."""
    return get_object_or_404(users_with_counts(), username__iexact=username, is_active=True)


def user_get(*, username: str) -> User:
    """The active user with this username (any letter case), or 404."""
    return get_object_or_404(User, username__iexact=username, is_active=True)
