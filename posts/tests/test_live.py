"""Posts seen live: a new post reaches the pages that list its author's posts once it is
committed, a deleted one leaves them, and a page that lost its connection catches up."""

import asyncio
import re

import pytest
from asgiref.sync import async_to_sync
from django.db import transaction
from django.urls import reverse

from accounts.tests.factories import UserFactory
from core.tests.cable import cable_open, in_thread, pushed, session_of, subscribe
from posts.models import Post
from posts.services import post_create, post_delete
from posts.templatetags.post_cards import post_card
from posts.tests.factories import PostFactory
from social.services import follow_create
from social.tests.factories import FollowFactory

live = pytest.mark.django_db(transaction=True)


def listening(streams: dict, run_with_sockets):
    """Open a socket per {session key or None: stream}, then run the scenario with them."""

    async def run():
        cables = {}
        for name, (key, stream) in streams.items():
            cables[name] = await cable_open(session_key=key)
            assert await subscribe(cables[name], stream) == "confirm_subscription", name
        try:
            await run_with_sockets(cables)
        finally:
            for cable in cables.values():
                await cable.disconnect()

    async_to_sync(run)()


@live
def test_a_new_post_reaches_explore_the_authors_profile_and_followers_homes_only():
    author, follower, stranger = UserFactory(), UserFactory(), UserFactory()
    FollowFactory(follower=follower, followed=author)
    streams = {
        "explore": (None, "explore"),
        "profile": (None, f"profile:{author.pk}"),
        "follower": (session_of(follower)[1], "home"),
        "stranger": (session_of(stranger)[1], "home"),
    }

    async def scenario(cables):
        post = await in_thread(post_create, author=author, body="Hello <b>world</b>")
        for name in ("explore", "profile", "follower"):
            html = await pushed(cables[name])
            assert f'id="post-{post.pk}"' in html, name
            assert 'action="prepend" target="incoming-posts"' in html
            assert "Hello &lt;b&gt;world&lt;/b&gt;" in html  # escaped as on the page
            assert "csrfmiddlewaretoken" not in html
        assert await pushed(cables["stranger"], timeout=0.3) is None

    listening(streams, scenario)


@live
def test_an_authors_profile_counts_their_posts_live():
    author = UserFactory()

    async def scenario(cables):
        post = await in_thread(post_create, author=author, body="One more")
        pushes = [await pushed(cables["profile"]), await pushed(cables["profile"])]
        counts = next(html for html in pushes if "profile-counts" in html)
        assert re.search(r'data-count="1"\s+data-count-text="posts"', counts)
        await in_thread(post_delete, post=post, actor=author)
        pushes = [await pushed(cables["profile"]), await pushed(cables["profile"])]
        counts = next(html for html in pushes if "profile-counts" in html)
        assert re.search(r'data-count="0"\s+data-count-text="posts"', counts)

    listening({"profile": (None, f"profile:{author.pk}")}, scenario)


@live
def test_the_pushed_card_is_the_one_every_reader_gets():
    author = UserFactory(language="es")
    streams = {"explore": (None, "explore")}

    async def scenario(cables):
        post = await in_thread(post_create, author=author, body="Hola")
        html = await pushed(cables["explore"])
        card = re.search(r"<template>(.*)</template>", html, re.S)[1]
        # The site's language and UTC, whoever wrote it: app.js localizes for each reader.
        assert card == await in_thread(lambda: str(post_card(Post.objects.get(pk=post.pk))))
        assert re.search(r'class="[^"]*post-delete"[^>]*hidden>Delete</a>', card)  # app.js shows it

    listening(streams, scenario)


@live
def test_a_rolled_back_post_sends_nothing():
    author = UserFactory()

    def rolled_back():
        with pytest.raises(RuntimeError), transaction.atomic():
            post_create(author=author, body="Never mind")
            raise RuntimeError

    async def scenario(cables):
        await in_thread(rolled_back)
        assert await pushed(cables["explore"], timeout=0.5) is None
        assert not await in_thread(Post.objects.exists)

    listening({"explore": (None, "explore")}, scenario)


@live
def test_a_deleted_post_leaves_every_page_listing_it():
    author, follower = UserFactory(), UserFactory()
    FollowFactory(follower=follower, followed=author)
    post = PostFactory(author=author)
    streams = {"explore": (None, "explore"), "follower": (session_of(follower)[1], "home")}

    removal = f'<turbo-stream action="remove" target="post-{post.pk}">'

    async def scenario(cables):
        await in_thread(post_delete, post=post, actor=author)
        for cable in cables.values():
            assert await pushed(cable) == removal + "<template></template></turbo-stream>"

    listening(streams, scenario)


@live
def test_following_someone_makes_an_open_home_hear_them():
    author, reader = UserFactory(), UserFactory()
    streams = {"home": (session_of(reader)[1], "home")}

    async def scenario(cables):
        await in_thread(post_create, author=author, body="Before")
        assert await pushed(cables["home"], timeout=0.3) is None
        await in_thread(follow_create, follower=reader, followed=author)
        await asyncio.sleep(0.5)  # the socket joins the author's group (a push, then a query)
        await in_thread(post_create, author=author, body="After")
        assert "After" in await pushed(cables["home"])

    listening(streams, scenario)


@pytest.mark.django_db
class TestNewer:
    """GET /posts/newer/: what a live list missed, as a Turbo Stream (app.js)."""

    url = reverse("posts_newer")

    def test_gives_the_posts_after_the_newest_shown(self, client, django_assert_num_queries):
        old, *new = PostFactory.create_batch(3)
        with django_assert_num_queries(1):
            response = client.get(self.url, {"stream": "explore", "after": old.pk})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/vnd.turbo-stream.html")
        html = response.content.decode()
        assert 'action="prepend" target="incoming-posts"' in html
        assert [int(pk) for pk in re.findall(r'id="post-(\d+)"', html)] == [new[1].pk, new[0].pk]
        assert "X-More-Posts" not in response

    def test_says_when_there_were_more_than_a_page(self, client, settings):
        settings.POSTS_PER_PAGE = 2
        PostFactory.create_batch(3)
        response = client.get(self.url, {"stream": "explore", "after": 0})
        assert len(re.findall(r'id="post-\d+"', response.content.decode())) == 2
        assert response["X-More-Posts"] == "1"

    def test_home_is_the_members_own(self, client, user, other_user):
        FollowFactory(follower=user, followed=other_user)
        theirs, stranger = PostFactory(author=other_user), PostFactory()
        assert client.get(self.url, {"stream": "home", "after": 0}).status_code == 400
        client.force_login(user)
        html = client.get(self.url, {"stream": "home", "after": 0}).content.decode()
        assert f"post-{theirs.pk}" in html and f"post-{stranger.pk}" not in html

    def test_a_profile_lists_its_members_posts(self, client, user):
        mine, other = PostFactory(author=user), PostFactory()
        stream = f"profile:{user.pk}"
        html = client.get(self.url, {"stream": stream, "after": 0}).content.decode()
        assert f"post-{mine.pk}" in html and f"post-{other.pk}" not in html

    @pytest.mark.parametrize(
        "params",
        [{}, {"stream": "explore"}, {"stream": "explore", "after": "x"},
         {"stream": "explore", "after": "-1"}, {"stream": "explore", "after": "9" * 40},
         {"stream": "nope", "after": 0}, {"stream": "profile:x", "after": 0}],
    )  # fmt: skip
    def test_a_bad_question_is_a_400(self, client, params):
        assert client.get(self.url, params).status_code == 400
