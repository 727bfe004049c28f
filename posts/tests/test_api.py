"""The posts API: write, read, delete, the timelines and their pages."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.tests.factories import UserFactory
from posts.models import Post
from posts.tests.factories import PostFactory
from social.tests.factories import FollowFactory

pytestmark = pytest.mark.django_db


class TestPosts:
    def test_create_read_and_delete(self, api, user):
        created = api.call("post", "/api/posts", {"body": "  Hello API!  "})
        assert created.status_code == 201
        post = created.json()
        assert created["Location"] == f"/api/posts/{post['id']}"
        assert post["body"] == "Hello API!"
        assert post["author"]["username"] == user.username
        assert post["timestamp"].endswith("+00:00")
        assert post["_links"] == {
            "self": f"/api/posts/{post['id']}",
            "author": f"/api/users/{user.pk}",
        }
        assert api.call("get", f"/api/posts/{post['id']}").json() == post
        assert api.call("delete", f"/api/posts/{post['id']}").status_code == 204
        assert api.call("get", f"/api/posts/{post['id']}").status_code == 404

    @pytest.mark.parametrize("body", ["", "   ", "x" * 141])
    def test_same_rules_as_the_site(self, api, body):
        response = api.call("post", "/api/posts", {"body": body})
        assert response.status_code == 400
        assert "body" in response.json()["fields"]
        assert not Post.objects.exists()

    def test_only_author_or_moderator_deletes(self, api_client, get_token, api, other_user):
        post = PostFactory(author=other_user)
        response = api.call("delete", f"/api/posts/{post.pk}")
        assert response.status_code == 403 and response.json()["error"] == "Forbidden"
        moderator = UserFactory(is_staff=True)
        moderator.groups.add(Group.objects.get(name="Moderators"))
        moderator_api = api_client(get_token(moderator.username))
        assert moderator_api.call("delete", f"/api/posts/{post.pk}").status_code == 204

    def test_timeline_explore_and_user_posts(self, api, user, other_user):
        stranger = UserFactory()
        FollowFactory(follower=user, followed=other_user)
        now = timezone.now()
        mine = PostFactory(author=user, created=now - timedelta(minutes=3))
        theirs = PostFactory(author=other_user, created=now - timedelta(minutes=2))
        strangers = PostFactory(author=stranger, created=now - timedelta(minutes=1))
        ids = lambda response: [item["id"] for item in response.json()["items"]]  # noqa: E731
        assert ids(api.call("get", "/api/timeline")) == [theirs.pk, mine.pk]
        assert ids(api.call("get", "/api/explore")) == [strangers.pk, theirs.pk, mine.pk]
        assert ids(api.call("get", f"/api/users/{other_user.pk}/posts")) == [theirs.pk]

    def test_cursor_pages_walk_the_whole_list(self, api, user):
        moment = timezone.now()
        posts = [
            PostFactory(author=user, created=moment - timedelta(seconds=i // 2)) for i in range(7)
        ]
        first = api.call("get", "/api/explore?per_page=3").json()
        seen = [item["id"] for item in first["items"]]
        link = first["_links"]["next_cursor"]
        while link:
            page = api.call("get", link).json()
            assert page["_meta"]["total_items"] is None
            seen += [item["id"] for item in page["items"]]
            link = page["_links"]["next"]
        assert sorted(seen) == sorted(post.pk for post in posts) and len(seen) == 7

    def test_huge_page_numbers_are_just_past_the_end(self, api):
        response = api.call("get", "/api/explore?page=36893488147419103233")
        assert response.status_code == 200 and response.json()["items"] == []

    @pytest.mark.parametrize(
        "query",
        ["cursor=rubbish", "cursor=1-99999999999999999999", "page=0", "page=abc", "per_page=-1"],
    )
    def test_bad_paging_parameters_are_400(self, api, query):
        response = api.call("get", f"/api/explore?{query}")
        assert response.status_code == 400
        assert response.json()["error"] == "Bad Request"


class TestPostingLimits:
    def test_too_many_posts_is_429_with_retry_after(self, api, settings):
        settings.POST_RATE = "2/minute"
        for n in range(2):
            assert api.call("post", "/api/posts", {"body": f"post {n}"}).status_code == 201
        response = api.call("post", "/api/posts", {"body": "one more"})
        assert response.status_code == 429
        assert 1 <= int(response["Retry-After"]) <= 61
        assert response.json()["error"] == "Too Many Requests"

    def test_more_tokens_buy_no_more_posts(self, api, api_client, get_token, user, settings):
        settings.POST_RATE = "2/minute"
        other_token = api_client(get_token(user.username))
        assert api.call("post", "/api/posts", {"body": "one"}).status_code == 201
        assert other_token.call("post", "/api/posts", {"body": "two"}).status_code == 201
        assert other_token.call("post", "/api/posts", {"body": "three"}).status_code == 429

    def test_the_site_and_the_api_share_the_limit(self, api, user, client, settings):
        settings.POST_RATE = "2/minute"
        client.force_login(user)
        client.post("/", {"body": "from the site"})
        assert api.call("post", "/api/posts", {"body": "from the API"}).status_code == 201
        assert api.call("post", "/api/posts", {"body": "third"}).status_code == 429

    def test_a_retried_request_gives_the_same_post(self, api):
        first = api.call("post", "/api/posts", {"body": "retry me"}).json()
        second = api.call("post", "/api/posts", {"body": "retry me"}).json()
        assert first["id"] == second["id"]

    def test_an_invisible_body_is_400(self, api):
        response = api.call("post", "/api/posts", {"body": "\u200b \u2800"})
        assert response.status_code == 400
        assert "body" in response.json()["fields"]


def test_the_api_call_limit_is_per_member_not_per_token(api, api_client, get_token, user, settings):
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        | {"token": "3/minute"}
    }
    tokens = [api, api_client(get_token(user.username))]
    statuses = [tokens[n % 2].call("get", "/api/explore").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]
