"""What the social app does when the apps below it say something happened."""

from django.db.models import Q

from core.db import batches_delete
from social.models import Follow
from social.selectors import follow_neighbour_ids
from social.services import follow_counts_refresh, follow_delete


def follows_end_on_block(*, blocker, blocked, **kwargs) -> None:
    """A block ends the follows between the two members, both ways (counts follow)."""
    follow_delete(follower=blocker, followed=blocked)
    follow_delete(follower=blocked, followed=blocker)


def follows_delete_on_leaving(*, user, **kwargs) -> None:
    """A member's account is being deleted: their follows go, both ways, and the members
    around them are recounted."""
    neighbours = follow_neighbour_ids(user_ids=[user.pk]) - {user.pk}
    batches_delete(Follow.objects.filter(Q(follower=user) | Q(followed=user)))
    follow_counts_refresh(user_ids=neighbours)
