"""Reads of posts. Each selector owns its joins so pages run a fixed number of queries."""

from django.db.models import QuerySet

from posts.models import Post


def explore_posts() -> QuerySet[Post]:
    """Everyone's posts, newest first, with their authors."""
    return Post.objects.select_related("author")


def user_posts(*, user) -> QuerySet[Post]:
    """One user's posts, newest first."""
    return Post.objects.filter(author=user).select_related("author")
