"""A deactivated member disappears with everything they did, from every page and API list,
and comes back with it if the account is reactivated."""

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.services import users_active_set
from accounts.tests.factories import UserFactory
from posts.tests.factories import PostFactory
from social.tests.factories import FollowFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def gone(user):
    """A member whom `user` follows and who follows `user`, then deactivated."""
    gone = UserFactory(username="gone")
    FollowFactory(follower=user, followed=gone)
    FollowFactory(follower=gone, followed=user)
    post = PostFactory(author=gone, body="words of the departed")
    users_active_set(users=User.objects.filter(pk=gone.pk), active=False)
    gone.post = post
    return gone


def test_their_posts_leave_every_page(member_client, gone):
    for url in (reverse("home"), reverse("explore")):
        assert "words of the departed" not in member_client.get(url).content.decode()
    assert member_client.get(reverse("post_delete", args=[gone.post.pk])).status_code == 404


def test_they_leave_follower_lists_and_counts(member_client, user, gone):
    for name in ("followers", "following"):
        page = member_client.get(reverse(name, args=[user.username])).content.decode()
        assert ">gone<" not in page
    profile = member_client.get(reverse("profile", args=[user.username])).content.decode()
    assert "0 followers" in profile and "0 following" in profile


def test_they_leave_the_api(api, user, gone):
    for path in ("/api/explore", "/api/timeline"):
        assert api.call("get", path).json()["_meta"]["total_items"] == 0
    assert api.call("get", f"/api/posts/{gone.post.pk}").status_code == 404
    assert api.call("delete", f"/api/posts/{gone.post.pk}").status_code == 404
    assert api.call("get", f"/api/users/{gone.pk}").status_code == 404
    me = api.call("get", f"/api/users/{user.pk}").json()
    assert me["follower_count"] == 0 and me["following_count"] == 0
    for direction in ("followers", "following"):
        listing = api.call("get", f"/api/users/{user.pk}/{direction}").json()
        assert listing["items"] == []


def test_reactivated_they_come_back(member_client, user, gone):
    users_active_set(users=User.objects.filter(pk=gone.pk), active=True)
    assert "words of the departed" in member_client.get(reverse("home")).content.decode()
    profile = member_client.get(reverse("profile", args=[user.username])).content.decode()
    assert "1 follower<" in profile and "1 following<" in profile
