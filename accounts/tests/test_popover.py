"""The member's card shown in a popover on their name: an HTML fragment, per viewer."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import UserFactory
from social.tests.factories import FollowFactory

pytestmark = pytest.mark.django_db


def popup_url(user) -> str:
    return reverse("profile_popup", args=[user.username])


def card(client, user, **headers) -> str:
    response = client.get(popup_url(user), **headers)
    assert response.status_code == 200
    return response.content.decode()


class TestCard:
    def test_is_a_fragment_with_who_they_are(self, client, other_user):
        other_user.about_me = "Tea, trains and typography."
        other_user.save()
        User.objects.filter(pk=other_user.pk).update(
            follower_count=1234, following_count=1, post_count=0
        )
        content = card(client, other_user)
        assert "<html" not in content and "<nav" not in content  # no page around it
        assert f'href="{other_user.get_absolute_url()}">{other_user.username}</a>' in content
        assert f'alt="Avatar of {other_user.username}"' in content
        assert "Tea, trains and typography." in content
        assert "Last seen" in content and "Member since" in content
        assert "1,234 followers" in content
        assert "1 following" in content
        assert "0 posts" in content

    def test_a_kept_card_follows_what_it_shows(self, client, other_user):
        assert "0 followers" in card(client, other_user)
        User.objects.filter(pk=other_user.pk).update(follower_count=2, about_me="New")
        content = card(client, other_user)
        assert "2 followers" in content and "New" in content
        assert "2 seguidores" in card(client, other_user, HTTP_ACCEPT_LANGUAGE="es")

    def test_visitors_get_no_buttons(self, client, other_user):
        content = card(client, other_user)
        assert "<form" not in content and "<button" not in content
        assert reverse("follow", args=[other_user.username]) not in content
        assert reverse("conversation", args=[other_user.username]) not in content

    def test_members_can_follow_and_write(self, member_client, other_user):
        content = card(member_client, other_user)
        assert f'action="{reverse("follow", args=[other_user.username])}"' in content
        assert "csrfmiddlewaretoken" in content
        assert f'href="/messages/{other_user.username}/"' in content
        assert f'Message <span class="visually-hidden">{other_user.username}</span></a>' in content

    def test_members_following_them_can_unfollow(self, member_client, user, other_user):
        FollowFactory(follower=user, followed=other_user)
        content = card(member_client, other_user)
        assert f'action="{reverse("unfollow", args=[other_user.username])}"' in content
        assert "Unfollow" in content

    def test_no_buttons_on_ones_own_card(self, member_client, user):
        content = card(member_client, user)
        assert "<form" not in content
        assert reverse("conversation", args=[user.username]) not in content

    def test_unknown_and_deactivated_members_are_404(self, client):
        assert client.get(reverse("profile_popup", args=["nobody"])).status_code == 404
        gone = UserFactory(is_active=False)
        assert client.get(popup_url(gone)).status_code == 404

    def test_about_me_is_escaped(self, client, other_user):
        other_user.about_me = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
        other_user.save()
        content = card(client, other_user)
        assert "<script" not in content
        assert "<img src=x" not in content and "onerror=alert(2)>" not in content
        assert "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x" in content


class TestFollowButtonReturnsToThePage:
    def test_next_is_the_page_the_card_was_opened_on(self, member_client, other_user):
        content = card(member_client, other_user, HTTP_REFERER="http://testserver/explore/")
        assert 'name="next" value="http://testserver/explore/"' in content

    def test_another_site_or_no_referer_falls_back_to_the_profile(self, member_client, other_user):
        profile = other_user.get_absolute_url()
        for headers in ({"HTTP_REFERER": "https://evil.example/"}, {}):
            content = card(member_client, other_user, **headers)
            assert f'name="next" value="{profile}"' in content

    def test_following_from_the_card_goes_back_to_that_page(self, member_client, other_user):
        content = card(member_client, other_user, HTTP_REFERER="http://testserver/explore/")
        assert 'value="http://testserver/explore/"' in content
        response = member_client.post(
            reverse("follow", args=[other_user.username]),
            {"next": "http://testserver/explore/"},
        )
        assert response["Location"] == "http://testserver/explore/"

    def test_profile_page_buttons_still_return_to_the_profile(self, member_client, other_user):
        url = reverse("profile", args=[other_user.username])
        content = member_client.get(f"{url}?before=x").content.decode()
        assert f'name="next" value="{url}?before=x"' in content


class TestHttp:
    def test_private_and_varies_by_cookie(self, member_client, other_user):
        response = member_client.get(popup_url(other_user))
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert "private" in cache_control and "public" not in cache_control
        assert "Cookie" in response["Vary"]

    def test_head_answers_without_a_body(self, client, other_user):
        response = client.head(popup_url(other_user))
        assert response.status_code == 200
        assert response.content == b""

    def test_post_is_not_allowed(self, member_client, other_user):
        assert member_client.post(popup_url(other_user)).status_code == 405

    @pytest.mark.parametrize(
        ("logged_in", "own", "expected"),
        [
            (False, False, 1),  # the member shown (counts are stored on it)
            (True, False, 1 + 2),  # the viewer, the member shown, "do I follow them?"
            (True, True, 1 + 1),  # the viewer, the member shown (never one's own follower)
        ],
        ids=["visitor", "member", "own card"],
    )
    def test_query_count_is_fixed(
        self, client, user, django_assert_num_queries, logged_in, own, expected
    ):
        shown = user if own else UserFactory(about_me="Hello")
        for _ in range(3):
            FollowFactory(followed=shown)
        if logged_in:
            client.force_login(user)
            FollowFactory(follower=user, followed=UserFactory())
        with django_assert_num_queries(expected):
            assert client.get(popup_url(shown)).status_code == 200


class TestSpanish:
    def test_shares_the_profile_pages_translations(self, other_user):
        User.objects.filter(pk=other_user.pk).update(follower_count=1234, post_count=1)
        spanish = Client(HTTP_ACCEPT_LANGUAGE="es")
        spanish.force_login(UserFactory())
        content = card(spanish, other_user)
        assert "Miembro desde" in content
        assert "Última conexión" in content
        assert "1\xa0234 seguidores" in content  # Spanish groups digits with a no-break space
        assert "1 publicación" in content
        assert "Seguir" in content
        assert "Member since" not in content and "followers" not in content
