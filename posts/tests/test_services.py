"""post_create and post_delete: the one write path for posts."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.tests.factories import UserFactory
from posts.models import Post
from posts.services import post_create, post_delete
from posts.tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def test_post_create_trims_and_normalizes_line_breaks(user):
    post = post_create(author=user, body="  hello\r\nworld \n")
    assert post.body == "hello\nworld"
    assert post.language is None


def test_post_create_accepts_exactly_the_limit(user):
    assert len(post_create(author=user, body="x" * 140).body) == 140


@pytest.mark.parametrize("body", ["", "   ", "\n\t ", "x" * 141])
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
