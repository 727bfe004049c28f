"""post_create and post_delete: the one write path for posts."""

import threading
import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, connections, transaction

from accounts.tests.factories import UserFactory
from core.ratelimit import RateLimited
from posts.models import Post
from posts.services import post_counts_refresh, post_create, post_delete, posts_bulk_create
from posts.tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def test_post_create_trims_and_normalizes_line_breaks(user):
    post = post_create(author=user, body="  hello\r\nworld \n")
    assert post.body == "hello\nworld"
    assert post.language is None


def test_post_create_accepts_exactly_the_limit(user):
    assert len(post_create(author=user, body="x" * 140).body) == 140


@pytest.mark.parametrize(
    "body",
    [
        "",
        "   ",
        "\n\t ",
        "x" * 141,
        "\u200b",  # zero-width space
        "\u200b\u200c\u200d\ufeff\u2060",  # every zero-width character
        "\u3164\u2800",  # Hangul filler, Braille blank
        "\u00a0\u2003\u3000",  # no-break, em and ideographic spaces
        "\u202e\u2066",  # bidi controls alone
        "\u0301\u0301",  # combining marks with nothing to combine with
        "\x00\x07",  # control characters
    ],
)
def test_post_create_refuses_bad_bodies(user, body):
    with pytest.raises(ValidationError):
        post_create(author=user, body=body)
    assert not Post.objects.exists()


def test_line_breaks_count_as_one_character_like_the_browser_counter(user):
    body = "a\r\n" * 69 + "ab"  # 69 * 2 + 2 = 140 characters once CRLF becomes LF
    assert len(post_create(author=user, body=body).body) == 140


@pytest.mark.parametrize("body", ["", "   ", "x" * 141])
def test_database_refuses_bad_bodies_too(user, body):
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.create(author=user, body=body)


def test_author_deletes_own_post(user):
    post = PostFactory(author=user)
    post_delete(post=post, actor=user)
    assert not Post.objects.filter(pk=post.pk).exists()


def test_nobody_else_deletes_a_post(user, other_user):
    post = PostFactory(author=user)
    with pytest.raises(PermissionDenied):
        post_delete(post=post, actor=other_user)
    assert Post.objects.filter(pk=post.pk).exists()


def test_moderators_delete_any_post(user):
    moderator = UserFactory(is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    post = PostFactory(author=user)
    post_delete(post=post, actor=moderator)
    assert not Post.objects.filter(pk=post.pk).exists()


def test_posts_are_listed_newest_first(user):
    older = PostFactory(author=user)
    newer = PostFactory(author=user, created=older.created + timedelta(seconds=1))
    assert list(Post.objects.all()) == [newer, older]


def test_control_characters_are_dropped_not_stored(user):
    assert post_create(author=user, body="nul\x00 and bell\x07 ok").body == "nul and bell ok"


def test_emoji_sequences_keep_their_invisible_parts(user):
    assert post_create(author=user, body="love ❤️").body == "love ❤️"


def test_the_same_post_twice_in_a_moment_is_one_post(user):
    first = post_create(author=user, body="Hello!")
    second = post_create(author=user, body="  Hello!  ")
    assert first.pk == second.pk
    assert Post.objects.count() == 1


def test_the_same_post_later_is_a_new_post(user):
    first = post_create(author=user, body="Good morning")
    Post.objects.filter(pk=first.pk).update(created=first.created - timedelta(seconds=11))
    assert post_create(author=user, body="Good morning").pk != first.pk


def test_posting_is_rate_limited_per_member(user, other_user, settings):
    settings.POST_RATE = "3/minute"
    for n in range(3):
        post_create(author=user, body=f"post {n}")
    with pytest.raises(RateLimited) as refused:
        post_create(author=user, body="one too many")
    assert 1 <= refused.value.retry_after <= 61
    assert Post.objects.filter(author=user).count() == 3
    post_create(author=other_user, body="others are not affected")


def test_the_stored_post_count_follows_every_write(user, other_user):
    post_create(author=user, body="one")
    post_create(author=user, body="two")
    user.refresh_from_db()
    assert user.post_count == 2
    first = Post.objects.filter(author=user).first()
    second_click = Post.objects.get(pk=first.pk)
    post_delete(post=first, actor=user)
    post_delete(post=second_click, actor=user)  # the row is gone: nothing more to count
    user.refresh_from_db()
    assert user.post_count == 1
    posts_bulk_create(posts=[Post(author=other_user, body=f"bulk {n}") for n in range(3)])
    other_user.refresh_from_db()
    assert other_user.post_count == 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs a database that takes two writers at once (PostgreSQL)",
)
def test_a_recount_waits_for_a_post_being_written():
    """A moderator's recount while the author posts: the recount must count that post."""
    author = UserFactory()
    posting = threading.Event()

    def post_slowly():
        try:
            with transaction.atomic():
                post_create(author=author, body="in flight")
                posting.set()
                time.sleep(1)  # the recount starts meanwhile and must wait for this commit
        finally:
            connections.close_all()

    writer = threading.Thread(target=post_slowly)
    writer.start()
    assert posting.wait(10)
    post_counts_refresh(author_ids={author.pk})
    writer.join()
    author.refresh_from_db()
    assert author.post_count == 1
