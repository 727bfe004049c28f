"""What the social app does when the apps below it say something happened."""

from social.services import follow_delete


def follows_end_on_block(*, blocker, blocked, **kwargs) -> None:
    """A block ends the follows between the two members, both ways (counts follow)."""
    follow_delete(follower=blocker, followed=blocked)
    follow_delete(follower=blocked, followed=blocker)
