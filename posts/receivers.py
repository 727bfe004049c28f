"""What the posts app does when the apps below it say something happened: a member who
leaves takes their posts along (accounts.signals.member_leaving)."""

from core.db import batches_delete
from posts.models import Post


def posts_delete_on_leaving(*, user, **kwargs) -> None:
    """A member's account is being deleted: their posts go, in batches (each deletion
    reaches the search index)."""
    batches_delete(Post.objects.filter(author=user))
