"""Writes on posts. The only way a post comes to exist or goes away."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from posts.models import Post
from posts.validators import normalize_post_body


def post_create(*, author, body: str) -> Post:
    """Validate and save a new post by `author`; raises ValidationError on a bad body."""
    return Post.objects.create(author=author, body=normalize_post_body(body))


def can_delete_post(*, post: Post, actor) -> bool:
    """Authors may delete their own posts; moderators (posts.delete_post) any post."""
    return actor.is_authenticated and (
        post.author_id == actor.pk or actor.has_perm("posts.delete_post")
    )


@transaction.atomic
def post_delete(*, post: Post, actor) -> None:
    """Delete `post` on behalf of `actor`, or raise PermissionDenied."""
    if not can_delete_post(post=post, actor=actor):
        raise PermissionDenied(_("Only its author or a moderator can delete this post."))
    post.delete()
