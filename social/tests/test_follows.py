"""Following and unfollowing: services, constraints, buttons and lists."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from accounts.selectors import user_get
from accounts.tests.factories import UserFactory
from posts.tests.factories import PostFactory
from social.models import Follow
from social.selectors import home_timeline
from social.services import follow_create, follow_delete
from social.tests.factories import FollowFactory

pytestmark = pytest.mark.django_db


class TestServices:
    def test_follow_and_unfollow_change_the_counts(self, user, other_user):
        follow_create(follower=user, followed=other_user)
        assert user_get(username=user.username).following_count == 1
        assert user_get(username=other_user.username).follower_count == 1
        assert follow_delete(follower=user, followed=other_user) is True
        assert user_get(username=user.username).following_count == 0
        assert user_get(username=other_user.username).follower_count == 0

    def test_following_twice_keeps_one_follow(self, user, other_user):
        first = follow_create(follower=user, followed=other_user)
        assert follow_create(follower=user, followed=other_user) == first
        assert Follow.objects.count() == 1

    def test_unfollowing_someone_not_followed_is_harmless(self, user, other_user):
        assert follow_delete(follower=user, followed=other_user) is False

    def test_following_yourself_is_refused(self, user):
        with pytest.raises(ValidationError):
            follow_create(follower=user, followed=user)
        assert not Follow.objects.exists()

    def test_database_refuses_self_follows_and_duplicates(self, user, other_user):
        with pytest.raises(IntegrityError), transaction.atomic():
            Follow.objects.create(follower=user, followed=user)
        Follow.objects.create(follower=user, followed=other_user)
        with pytest.raises(IntegrityError), transaction.atomic():
            Follow.objects.create(follower=user, followed=other_user)

    @pytest.mark.parametrize("listed_authors_max", [1000, 1], ids=["listed", "subquery"])
    def test_home_timeline_selector_follows_the_tutorial(
        self, user, monkeypatch, listed_authors_max
    ):
        """The tutorial's test_follow_posts: four users, followed posts include one's own.

        Members who follow many are read through a subquery: the same posts come back.
        """
        monkeypatch.setattr("social.selectors.LISTED_AUTHORS_MAX", listed_authors_max)
        john, susan, mary, david = user, UserFactory(), UserFactory(), UserFactory()
        posts = {u: PostFactory(author=u) for u in (john, susan, mary, david)}
        follow_create(follower=john, followed=susan)
        follow_create(follower=john, followed=david)
        follow_create(follower=susan, followed=mary)
        follow_create(follower=mary, followed=david)
        expected = {
            john: [posts[david], posts[susan], posts[john]],
            susan: [posts[mary], posts[susan]],
            mary: [posts[david], posts[mary]],
            david: [posts[david]],
        }
        for member, wanted in expected.items():
            assert list(home_timeline(user=member)) == wanted


class TestViews:
    def test_follow_button_follows_and_returns(self, member_client, user, other_user):
        profile = reverse("profile", args=[other_user.username])
        response = member_client.post(
            reverse("follow", args=[other_user.username]), {"next": profile}, follow=True
        )
        assert response.redirect_chain == [(profile, 302)]
        content = response.content.decode()
        assert f"You are following {other_user.username}." in content
        assert "1 follower" in content
        assert "Unfollow" in content
        assert Follow.objects.filter(follower=user, followed=other_user).exists()

    @pytest.mark.parametrize(
        "next_address", ["-1", "x", "a b", "\xff", "home", "//evil.example/", "http://[::1"]
    )
    def test_a_next_that_is_not_a_path_here_returns_to_the_profile(
        self, member_client, other_user, next_address
    ):
        """Not read relative to the page, nor as a URL's name (redirect() did: a 500)."""
        response = member_client.post(
            reverse("follow", args=[other_user.username]), {"next": next_address}
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("profile", args=[other_user.username])

    def test_unfollow_button(self, member_client, user, other_user):
        FollowFactory(follower=user, followed=other_user)
        response = member_client.post(reverse("unfollow", args=[other_user.username]), follow=True)
        assert f"You are not following {other_user.username} anymore." in response.content.decode()
        assert not Follow.objects.exists()

    def test_following_yourself_shows_a_message(self, member_client, user):
        response = member_client.post(reverse("follow", args=[user.username]), follow=True)
        assert response.status_code == 200
        assert "You cannot follow yourself." in response.content.decode()
        assert not Follow.objects.exists()

    def test_unknown_user_is_404(self, member_client):
        assert member_client.post(reverse("follow", args=["nobody"])).status_code == 404
        assert member_client.post(reverse("unfollow", args=["nobody"])).status_code == 404
        assert member_client.get(reverse("followers", args=["nobody"])).status_code == 404

    def test_follow_needs_post_and_login(self, member_client, other_user):
        url = reverse("follow", args=[other_user.username])
        assert member_client.get(url).status_code == 405
        response = Client().post(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert not Follow.objects.exists()

    def test_follow_without_csrf_token_is_refused(self, user, other_user):
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        assert client.post(reverse("follow", args=[other_user.username])).status_code == 403
        assert not Follow.objects.exists()

    def test_follower_lists_with_their_buttons(self, member_client, user, other_user):
        fan = UserFactory()
        FollowFactory(follower=fan, followed=other_user)
        FollowFactory(follower=user, followed=other_user)
        FollowFactory(follower=user, followed=fan)
        content = member_client.get(reverse("followers", args=[other_user.username])).content
        content = content.decode()
        assert fan.username in content and user.username in content
        # I follow `fan` already, so the list offers to unfollow them.
        assert reverse("unfollow", args=[fan.username]) in content
        following = member_client.get(reverse("following", args=[user.username])).content.decode()
        assert other_user.username in following and fan.username in following

    def test_empty_lists_say_so(self, client, user):
        content = client.get(reverse("followers", args=[user.username])).content.decode()
        assert f"Nobody follows {user.username} yet." in content
        content = client.get(reverse("following", args=[user.username])).content.decode()
        assert f"{user.username} does not follow anyone yet." in content


def test_following_too_fast_is_refused_with_a_message(member_client, settings):
    settings.FOLLOW_RATE = "2/minute"
    people = UserFactory.create_batch(3)
    for person in people:
        response = member_client.post(reverse("follow", args=[person.username]), follow=True)
    assert "You are doing that too often" in response.content.decode()
    assert Follow.objects.count() == 2
