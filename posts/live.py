"""Posts pushed live, and the streams that hear them.

A new post goes to its author's group (home pages of their followers, their profile) and
to explore's; a deleted one is removed from the same pages. The card is the one every
reader gets (posts/_post.html): app.js adds what differs per reader.
"""

from turbo_helper import turbo_stream

from core import live
from posts.models import Post
from posts.templatetags.post_cards import post_card

EXPLORE_GROUP = "explore"
# Where a page collects pushed posts until the reader asks to see them (app.js).
INCOMING_POSTS = "incoming-posts"


def author_group(user_id: int) -> str:
    """The group of the pages that list this member's posts."""
    return f"author.{user_id}"


@live.stream("explore")
def explore_stream(*, user, argument: str) -> list[str]:
    """Everyone's posts: public, like the explore page."""
    return [] if argument else [EXPLORE_GROUP]


def push_post_created(*, post: Post) -> None:
    """Once committed, offer the new post to every page that lists its author's posts."""
    live.push_on_commit(
        groups=[author_group(post.author_id), EXPLORE_GROUP],
        render=lambda: turbo_stream.prepend(INCOMING_POSTS, content=post_card(post)),
    )


def push_post_deleted(*, post_id: int, author_id: int) -> None:
    """Once committed, take the post off every page that lists it."""
    live.push_on_commit(
        groups=[author_group(author_id), EXPLORE_GROUP],
        render=lambda: turbo_stream.remove(f"post-{post_id}"),
    )
