"""Home, explore and delete pages as a member or a visitor sees them."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from accounts.timezones import TIMEZONE_COOKIE
from posts.models import Post
from posts.tests.factories import PostFactory
from social.tests.factories import FollowFactory

pytestmark = pytest.mark.django_db


def make_posts(author, count, start=None):
    """Create `count` posts by `author`, one second apart, oldest first."""
    start = start or timezone.now() - timedelta(days=1)
    return [
        PostFactory(author=author, body=f"post {i}", created=start + timedelta(seconds=i))
        for i in range(count)
    ]


def bodies(response) -> list[str]:
    """The post bodies shown on a page, top to bottom."""
    return re.findall(r'<p class="post-body mb-0">(.*?)</p>', response.content.decode(), re.S)


class TestHome:
    def test_visitors_are_sent_to_log_in(self, client):
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))

    def test_posting_redirects_and_flashes(self, member_client, user):
        response = member_client.post(reverse("home"), {"body": "  Hello, world!  "}, follow=True)
        assert response.redirect_chain == [(reverse("home"), 302)]
        assert "Your post is now live!" in response.content.decode()
        assert bodies(response) == ["Hello, world!"]
        assert Post.objects.get().author == user

    @pytest.mark.parametrize(
        ("body", "error"),
        [("", "cannot be empty"), ("   ", "cannot be empty"), ("x" * 141, "this one has 141")],
    )
    def test_bad_posts_show_the_error_and_keep_the_text(self, member_client, body, error):
        response = member_client.post(reverse("home"), {"body": body})
        assert response.status_code == 200
        content = response.content.decode()
        assert error in content
        assert body.strip() in content
        assert not Post.objects.exists()

    def test_too_many_posts_is_a_form_error_that_keeps_the_text(self, member_client, settings):
        settings.POST_RATE = "2/minute"
        for n in range(2):
            member_client.post(reverse("home"), {"body": f"post {n}"})
        response = member_client.post(reverse("home"), {"body": "my third thought"})
        assert response.status_code == 429
        content = response.content.decode()
        assert "You are doing that too often" in content
        assert "my third thought</textarea>" in content
        assert Post.objects.count() == 2

    def test_a_double_click_makes_one_post(self, member_client):
        for _ in range(2):
            member_client.post(reverse("home"), {"body": "Only once, please"})
        assert Post.objects.count() == 1

    def test_an_invisible_post_is_empty(self, member_client):
        response = member_client.post(reverse("home"), {"body": "\u200b\u3164"})
        assert "cannot be empty" in response.content.decode()
        assert not Post.objects.exists()

    def test_visitors_cannot_post(self, client):
        response = client.post(reverse("home"), {"body": "sneaky"})
        assert response.status_code == 302
        assert not Post.objects.exists()

    def test_posting_without_csrf_token_is_refused(self, user):
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        response = client.post(reverse("home"), {"body": "no token"})
        assert response.status_code == 403
        assert not Post.objects.exists()

    def test_timeline_has_own_and_followed_posts_newest_first(self, member_client, user):
        followed, stranger = UserFactory(), UserFactory()
        FollowFactory(follower=user, followed=followed)
        now = timezone.now()
        PostFactory(author=user, body="mine, older", created=now - timedelta(minutes=3))
        PostFactory(author=followed, body="followed, newest", created=now - timedelta(minutes=1))
        PostFactory(author=stranger, body="stranger", created=now - timedelta(minutes=2))
        response = member_client.get(reverse("home"))
        assert bodies(response) == ["followed, newest", "mine, older"]

    def test_empty_timeline_says_what_to_do(self, member_client):
        response = member_client.get(reverse("home"))
        assert "Write your first post" in response.content.decode()


class TestExplore:
    def test_visitors_see_everyones_posts(self, client):
        PostFactory(body="first")
        PostFactory(body="second", created=timezone.now() + timedelta(seconds=1))
        response = client.get(reverse("explore"))
        assert response.status_code == 200
        assert bodies(response) == ["second", "first"]

    def test_pages_go_older_and_newer(self, client, settings, user):
        settings.POSTS_PER_PAGE = 2
        make_posts(user, 5)
        first = client.get(reverse("explore"))
        assert bodies(first) == ["post 4", "post 3"]
        assert "Newer posts" in first.content.decode()
        older = re.search(r'href="(\?before=[^"]+)"', first.content.decode()).group(1)
        second = client.get(reverse("explore") + older)
        assert bodies(second) == ["post 2", "post 1"]
        newer = re.search(r'href="(\?after=[^"]+)"', second.content.decode()).group(1)
        assert bodies(client.get(reverse("explore") + newer)) == ["post 4", "post 3"]
        older = re.search(r'href="(\?before=[^"]+)"', second.content.decode()).group(1)
        last = client.get(reverse("explore") + older)
        assert bodies(last) == ["post 0"]
        assert not re.search(r"href=\"\?before=", last.content.decode())

    def test_posts_with_the_same_time_are_neither_lost_nor_repeated(self, client, settings, user):
        settings.POSTS_PER_PAGE = 2
        moment = timezone.now()
        for i in range(5):
            PostFactory(author=user, body=f"tie {i}", created=moment)
        seen, url = [], reverse("explore")
        while url:
            page = client.get(url).content.decode()
            seen += re.findall(r'<p class="post-body mb-0">(.*?)</p>', page)
            match = re.search(r'href="(\?before=[^"]+)"', page)
            url = reverse("explore") + match.group(1) if match else None
        assert sorted(seen) == [f"tie {i}" for i in range(5)]

    @pytest.mark.parametrize("cursor", ["garbage", "1-2-3", "99999999999999999999999-1", ""])
    def test_malformed_cursors_show_the_first_page(self, client, user, cursor):
        PostFactory(author=user, body="only post")
        response = client.get(reverse("explore"), {"before": cursor, "after": cursor})
        assert response.status_code == 200
        assert bodies(response) == ["only post"]

    def test_bodies_are_escaped_linked_and_keep_line_breaks(self, client, user):
        PostFactory(author=user, body="<script>alert(1)</script>\nsee https://example.com/a?b=1")
        [body] = bodies(client.get(reverse("explore")))
        assert "<script>" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>" in body
        assert (
            '<a href="https://example.com/a?b=1" rel="nofollow noopener">'
            "https://example.com/a?b=1</a>" in body
        )

    def test_cached_post_cards_follow_their_author_language_and_zone(self, client, user):
        """Cards are rendered once per process (post_card), keyed by everything they show."""
        post = PostFactory(author=user, created=timezone.now().replace(hour=12, minute=0))
        first = client.get(reverse("explore")).content.decode()
        assert user.username in first and "Delete" in first
        user.username = "renamed_author"
        user.email = "renamed@example.com"
        user.save()
        Post.objects.filter(pk=post.pk).update(body="edited by a moderator")
        again = client.get(reverse("explore")).content.decode()
        assert "renamed_author" in again
        assert "edited by a moderator" in again
        spanish = client.get(reverse("explore"), headers={"accept-language": "es"})
        assert "Eliminar" in spanish.content.decode()
        assert "noon" in again
        client.cookies[TIMEZONE_COOKIE] = "Asia/Tokyo"
        assert "9 p.m." in client.get(reverse("explore")).content.decode()


class TestDelete:
    def test_author_confirms_then_deletes(self, member_client, user):
        post = PostFactory(author=user, body="regrettable")
        url = reverse("post_delete", args=[post.pk])
        confirm = member_client.get(url, {"next": reverse("explore")})
        assert "Delete this post?" in confirm.content.decode()
        assert Post.objects.filter(pk=post.pk).exists()
        response = member_client.post(url, {"next": reverse("explore")}, follow=True)
        assert response.redirect_chain == [(reverse("explore"), 302)]
        assert "The post was deleted." in response.content.decode()
        assert not Post.objects.filter(pk=post.pk).exists()

    def test_other_members_get_403(self, member_client, other_user):
        post = PostFactory(author=other_user)
        url = reverse("post_delete", args=[post.pk])
        assert member_client.get(url).status_code == 403
        assert member_client.post(url).status_code == 403
        assert Post.objects.filter(pk=post.pk).exists()

    def test_moderators_can_delete_any_post(self, client, other_user):
        moderator = UserFactory(is_staff=True)
        moderator.groups.add(Group.objects.get(name="Moderators"))
        client.force_login(moderator)
        post = PostFactory(author=other_user)
        assert client.post(reverse("post_delete", args=[post.pk])).status_code == 302
        assert not Post.objects.filter(pk=post.pk).exists()

    def test_unknown_post_is_404(self, member_client):
        assert member_client.post(reverse("post_delete", args=[999])).status_code == 404

    def test_comes_back_to_the_page_it_was_opened_from(self, member_client, user):
        post = PostFactory(author=user)
        url = reverse("post_delete", args=[post.pk])
        confirm = member_client.get(url, HTTP_REFERER="http://testserver/explore/?before=1-2")
        assert 'value="http://testserver/explore/?before=1-2"' in confirm.content.decode()
        offsite = member_client.get(url, HTTP_REFERER="https://evil.example/")
        assert "evil.example" not in offsite.content.decode()

    def test_offsite_next_is_ignored(self, member_client, user):
        post = PostFactory(author=user)
        url = reverse("post_delete", args=[post.pk])
        confirm = member_client.get(url, {"next": "https://evil.example/"}).content.decode()
        assert 'href="https://evil.example/"' not in confirm  # the Cancel link stays here
        response = member_client.post(url, {"next": "https://evil.example/"})
        assert response["Location"] == reverse("home")

    def test_post_lists_are_the_same_for_every_reader(self, client, user, other_user):
        """The partial has no per-viewer logic: the page says who reads, app.js does the rest."""
        PostFactory(author=user)
        PostFactory(author=other_user)
        client.force_login(user)
        mine = client.get(reverse("explore")).content.decode()
        client.force_login(other_user)
        theirs = client.get(reverse("explore")).content.decode()
        section = re.compile(r'<section aria-label="Posts".*?</section>', re.S)
        assert section.search(mine)[0] == section.search(theirs)[0]
        assert f'data-viewer="{user.pk}"' in mine and "data-moderator" not in mine

    def test_moderators_pages_say_so(self, client):
        moderator = UserFactory(is_staff=True)
        moderator.groups.add(Group.objects.get(name="Moderators"))
        client.force_login(moderator)
        assert "data-moderator" in client.get(reverse("explore")).content.decode()
