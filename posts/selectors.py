"""Reads of posts. Each selector owns its joins so pages run a fixed number of queries.

Every read of posts starts from `visible_posts`: a deactivated member's posts vanish from
every page and API list at once, and come back if the account is reactivated.
"""

from django.db.models import QuerySet

from posts.models import Post


def visible_posts() -> QuerySet[Post]:
    """Posts whose author is an active member."""
    return Post.objects.filter(author__is_active=True)


def explore_posts() -> QuerySet[Post]:
    """Everyone's visible posts, newest first, with their authors."""
    return visible_posts().select_related("author")


def user_posts(*, user) -> QuerySet[Post]:
    """One user's visible posts, newest first."""
    return visible_posts().filter(author=user).select_related("author")
