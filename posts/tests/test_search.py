"""Search in the database: what people type, what they find, and what they never see.

These tests run on SQLite (FTS5) and on PostgreSQL (text search) in CI, with the same
expectations: both backends give the same results for the same posts.
"""

import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from messaging.models import Message
from messaging.selectors import unread_counts_keys
from posts.models import Post
from posts.search.query import SearchQuery, search_query_parse
from posts.search.schema import schema_repair
from posts.search.selectors import MAX_PAGES, people_search, post_search
from posts.services import post_delete
from posts.tests.factories import PostFactory
from social.tests.factories import FollowFactory

pytestmark = pytest.mark.django_db

# PostgreSQL works out the tsquery of a post search in a query of its own, so that its
# planner sees the words (posts.search.database._pg_posts_tsquery).
TSQUERY = int(connection.vendor == "postgresql")

CORPUS = {
    "cafe": ("Café con leche is my morning", "en"),
    "running": ("I am running to the station", "en"),
    "runs": ("She runs every day, rain or shine", "en"),
    "code": ("node.js and C++ tips: start small", "en"),
    "phrase": ("My coffee made my morning", "en"),
    "reversed": ("Morning coffee, my favourite", "en"),
    "songs": ("Las canciones del verano", "es"),
    "song": ("Una canción nueva", "es"),
    "markup": ("<script>alert('coffee')</script> & more", None),
}


# (what is typed, the CORPUS posts found, in order): the same on every backend.
FINDS = [
    ("morning", ["reversed", "phrase", "cafe"]),  # newest first
    ("coffee morning", ["reversed", "phrase"]),  # every word
    ('"my coffee"', ["phrase"]),  # a phrase, in order
    ('"made coffee"', []),
    ("coffee -favourite", ["markup", "phrase"]),
    ("cafe", ["cafe"]),  # accents aside
    ("CAFÉ", ["cafe"]),
    ("run", ["runs", "running"]),  # stems
    ("running", ["runs", "running"]),
    ("canciones", ["song", "songs"]),
    ("C++", ["code"]),
    ("node.js", ["code"]),
    ("tips:", ["code"]),
    ('"unbalanced', []),
    ("script alert", ["markup"]),
    ("from:WRITER leche", ["cafe"]),
    ("from:nobody leche", []),
    ("leche -from:writer", []),
    ("from:writer -coffee", ["song", "songs", "code", "runs", "running", "cafe"]),
]


@pytest.fixture
def corpus():
    """The CORPUS by one author, oldest first: {key: post}."""
    author = UserFactory(username="writer")
    return {key: PostFactory(author=author, body=body, language=language)
            for key, (body, language) in CORPUS.items()}  # fmt: skip


def found(text, **options) -> list[str]:
    """The keys of CORPUS posts that match `text`, in the order found."""
    keys = {body: key for key, (body, _language) in CORPUS.items()}
    results = post_search(text=text, per_page=20, **options)
    return [keys.get(post.body, post.body) for post in results.items]


class TestQueryParsing:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Hello World", SearchQuery(phrases=(("hello",), ("world",)))),
            ('"my coffee" -tea', SearchQuery(phrases=(("my", "coffee"),), excluded=(("tea",),))),
            ("C++ node.js tips:", SearchQuery(phrases=(("c",), ("node", "js"), ("tips",)))),
            ('"unbalanced quote', SearchQuery(phrases=(("unbalanced", "quote"),))),
            (
                "from:Ana -from:bob x",
                SearchQuery(phrases=(("x",),), authors=("ana",), excluded_authors=("bob",)),
            ),
            ('- "" -"" from: ***', SearchQuery()),
            ("word word WORD", SearchQuery(phrases=(("word",),))),
        ],
    )
    def test_what_people_type_is_read_as_they_mean_it(self, text, expected):
        assert search_query_parse(text) == expected

    def test_huge_queries_are_cut_not_refused(self):
        search = search_query_parse(" ".join(f"w{i}" for i in range(1000)))
        assert len(search.phrases) == 16
        assert search_query_parse("x" * 2000).phrases == (("x" * 500,),)

    def test_exclusions_alone_are_nothing_to_look_for(self):
        assert not search_query_parse("-coffee")
        assert search_query_parse("from:ana")


class TestPostSearch:
    @pytest.mark.parametrize(("text", "expected"), FINDS)
    def test_finds_what_a_person_expects(self, corpus, text, expected):
        assert found(text) == expected

    @pytest.mark.parametrize(
        "text",
        ["x" * 2000, "AND OR NOT", '"', "*", "-", "NEAR(a b)", "a:b", "^start", "col:val*",
         "!!(a) <-> b:*", "'quoted'", "\\", "\x00", "a\x00", "from:a\x00 x", "-x\x00 from:a",
         "😀", " ".join(["a"] * 300)],
    )  # fmt: skip
    def test_any_input_gives_results_or_nothing_never_an_error(self, corpus, client, text):
        post_search(text=text, per_page=20)
        post_search(text=text, per_page=20, best_match=True)
        people_search(text=text, searcher=UserFactory(), per_page=20)
        for kind in ("posts", "people"):
            response = client.get(reverse("search"), {"q": text, "type": kind})
            assert response.status_code == 200

    def test_best_match_puts_the_closest_posts_first(self, corpus):
        author = corpus["cafe"].author
        PostFactory(author=author, body="coffee coffee coffee, all about coffee")
        assert found("coffee", best_match=True)[0] == "coffee coffee coffee, all about coffee"
        assert set(found("coffee", best_match=True)) == set(found("coffee"))

    def test_posts_of_deactivated_members_never_appear(self, corpus):
        corpus["cafe"].author.is_active = False
        corpus["cafe"].author.save()
        assert found("morning") == []
        assert found("morning", best_match=True) == []

    def test_a_deleted_post_disappears_at_once(self, corpus):
        post_delete(post=corpus["phrase"], actor=corpus["phrase"].author)
        assert found("coffee morning") == ["reversed"]

    def test_messages_are_never_searchable(self, corpus):
        sender, recipient = UserFactory(), UserFactory()
        Message.objects.create(sender=sender, recipient=recipient, body="secret zebra plans")
        assert found("zebra") == []

    def test_pages_follow_each_other_without_overlap(self, corpus):
        author = corpus["cafe"].author
        for i in range(5):
            PostFactory(author=author, body=f"paged coffee number {i}")
        first = post_search(text="paged", per_page=2)
        second = post_search(text="paged", per_page=2, number=2)
        third = post_search(text="paged", per_page=2, number=3)
        bodies = [post.body for page in (first, second, third) for post in page.items]
        assert bodies == [f"paged coffee number {i}" for i in (4, 3, 2, 1, 0)]
        assert first.has_next and second.has_next and not third.has_next
        assert post_search(text="paged", per_page=2, number=10**9).number == MAX_PAGES

    def test_rare_and_common_words_among_many_newer_posts(self, user, monkeypatch):
        monkeypatch.setattr("posts.search.database.RECENT_POSTS", 4)
        PostFactory(author=user, body="the needle, early on")
        for i in range(12):
            PostFactory(author=user, body=f"hay number {i}")
        assert [p.body for p in post_search(text="needle", per_page=2).items] == [
            "the needle, early on"
        ]
        pages = [post_search(text="hay", per_page=3, number=n).items for n in (1, 2, 3, 4)]
        assert [p.body for page in pages for p in page] == [
            f"hay number {i}" for i in range(11, -1, -1)
        ]


class TestPeopleSearch:
    def test_prefixes_of_usernames_and_about_me(self, user):
        ana = UserFactory(username="ana_lopez", about_me="Barista in Sevilla")
        UserFactory(username="bob", about_me="Runner")
        assert [p.username for p in people_search(text="ana_l", searcher=user, per_page=9)
                .items] == ["ana_lopez"]  # fmt: skip
        assert people_search(text="sevi bari", searcher=user, per_page=9).items == [ana]
        assert people_search(text="lopez", searcher=user, per_page=9).items == [ana]
        assert people_search(text="sevilla -barista", searcher=user, per_page=9).items == []

    def test_the_exact_username_first_then_people_one_follows(self, user):
        popular = UserFactory(username="samuel", follower_count=100)
        followed = UserFactory(username="samantha")
        exact = UserFactory(username="sam")
        FollowFactory(follower=user, followed=followed)
        results = people_search(text="sam", searcher=user, per_page=9).items
        assert results == [exact, followed, popular]
        assert people_search(text="@SAM", searcher=user, per_page=9).items[0] == exact

    def test_deactivated_members_are_not_found(self, user):
        UserFactory(username="ghost", is_active=False)
        assert people_search(text="ghost", searcher=user, per_page=9).items == []


class TestSearchPage:
    def test_tabs_keep_the_query(self, client, corpus):
        content = client.get(reverse("search"), {"q": "coffee & tea"}).content.decode()
        assert 'href="/search/?q=coffee+%26+tea&amp;type=people"' in content
        assert 'aria-current="page"' in content

    def test_matched_words_are_highlighted_and_markup_stays_text(self, client, corpus):
        content = client.get(reverse("search"), {"q": "coffee"}).content.decode()
        assert "&lt;script&gt;alert(&#x27;<mark>coffee</mark>&#x27;)&lt;/script&gt;" in content
        assert "<script>alert" not in content
        assert "My <mark>coffee</mark> made my morning" in content

    def test_stems_and_accents_are_highlighted_too(self, client, corpus):
        content = client.get(reverse("search"), {"q": "cafe run"}).content.decode()
        assert "<mark>Café</mark>" not in content  # not both words: no match
        content = client.get(reverse("search"), {"q": "run"}).content.decode()
        assert "I am <mark>running</mark> to the station" in content
        assert "She <mark>runs</mark> every day" in content

    def test_empty_states(self, client, corpus):
        assert "Type a few words" in client.get(reverse("search")).content.decode()
        content = client.get(reverse("search"), {"q": "<b>zzz</b>"}).content.decode()
        assert "No posts match “&lt;b&gt;zzz&lt;/b&gt;”" in content
        content = client.get(reverse("search"), {"q": "zzz", "type": "people"}).content.decode()
        assert "No names or words about members start like “zzz”" in content

    def test_pages_link_to_each_other(self, client, corpus, settings):
        settings.POSTS_PER_PAGE = 2
        content = client.get(reverse("search"), {"q": "morning"}).content.decode()
        assert 'href="?q=morning&amp;page=2" rel="next"' in content
        content = client.get(reverse("search"), {"q": "morning", "page": "2"}).content.decode()
        assert 'href="?q=morning&amp;page=1" rel="prev"' in content
        assert re.findall(r'<article class="post', content) == ['<article class="post']

    @pytest.mark.parametrize("number", ["²", "①", "9" * 5000, "-1", "0", "1e3", " 2", "999"])
    def test_any_page_number_gives_a_page(self, client, corpus, number):
        response = client.get(reverse("search"), {"q": "morning", "page": number})
        assert response.status_code == 200
        assert response.context["results"].number in (1, MAX_PAGES)

    def test_searching_too_often_is_refused_politely(self, client, corpus, settings):
        settings.SEARCH_RATE = "2/minute"
        for _ in range(2):
            assert client.get(reverse("search"), {"q": "coffee"}).status_code == 200
        response = client.get(reverse("search"), {"q": "coffee"})
        assert response.status_code == 429
        assert "Retry-After" in response
        assert client.get(reverse("search")).status_code == 200  # the empty form is free

    @pytest.mark.parametrize(
        ("kind", "text", "expected"),
        # the member, the badges; ids, then the posts with their authors (people: the
        # people, and "whom of them do I follow?")
        [("posts", "morning", 1 + 1 + TSQUERY + 2), ("people", "writer", 1 + 1 + 3)],
    )
    def test_query_count_is_fixed(
        self, member_client, user, corpus, settings, kind, text, expected
    ):
        for i in range(6):
            UserFactory(username=f"writer{i}")
        counts = []
        for per_page in (2, 20):
            settings.POSTS_PER_PAGE = per_page
            cache.delete_many(unread_counts_keys(user.pk))
            with CaptureQueriesContext(connection) as queries:
                response = member_client.get(reverse("search"), {"q": text, "type": kind})
            assert len(response.context["results"].items) >= 2
            counts.append(len(queries))
        assert counts == [expected, expected]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite keeps its index by triggers")
def test_a_table_rebuilt_by_a_migration_gets_its_triggers_back(corpus):
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER posts_post_fts_insert")
    Post.objects.create(author=corpus["cafe"].author, body="written while the trigger was gone")
    assert found("trigger gone") == []
    call_command("migrate", verbosity=0)  # as after any migration
    assert found("trigger gone") == ["written while the trigger was gone"]
    assert schema_repair() is False  # nothing left to repair


class TestSearchApi:
    def test_posts_in_the_collection_envelope(self, api, corpus):
        response = api.call("get", "/api/search?q=morning&per_page=2")
        assert response.status_code == 200
        data = response.json()
        assert [item["body"] for item in data["items"]] == [
            CORPUS["reversed"][0], CORPUS["phrase"][0]
        ]  # fmt: skip
        assert data["_meta"] == {"page": 1, "per_page": 2, "total_pages": None,
                                 "total_items": None}  # fmt: skip
        assert data["_links"]["prev"] is None
        following = api.call("get", data["_links"]["next"]).json()
        assert [item["body"] for item in following["items"]] == [CORPUS["cafe"][0]]
        assert following["_links"]["next"] is None

    def test_people_and_best_match(self, api, corpus):
        data = api.call("get", "/api/search?q=writ&type=people").json()
        assert [item["username"] for item in data["items"]] == ["writer"]
        assert "email" not in data["items"][0]
        data = api.call("get", "/api/search?q=morning&order=best").json()
        assert {item["body"] for item in data["items"]} == {
            CORPUS[key][0] for key in ("reversed", "phrase", "cafe")
        }

    @pytest.mark.parametrize(
        ("query", "field"),
        [("", "q"), ("?q=", "q"), ("?q=x&type=messages", "type"), ("?q=x&order=oldest", "order"),
         ("?q=x&page=0", "page"), ("?q=x&per_page=abc", "per_page"), (f"?q={'x' * 501}", "q")],
    )  # fmt: skip
    def test_bad_parameters_are_400s_that_say_which(self, api, query, field):
        response = api.call("get", f"/api/search{query}")
        assert response.status_code == 400
        assert field in response.json()["fields"]

    def test_needs_a_token_and_is_rate_limited(self, api, api_client, settings, corpus):
        assert api_client().call("get", "/api/search?q=x").status_code == 401
        settings.SEARCH_RATE = "1/minute"
        assert api.call("get", "/api/search?q=morning").status_code == 200
        response = api.call("get", "/api/search?q=morning")
        assert response.status_code == 429
        assert response["Retry-After"]

    @pytest.mark.parametrize("kind", ["posts", "people"])
    def test_query_count_does_not_depend_on_per_page(self, api, corpus, kind):
        for i in range(6):
            UserFactory(username=f"writer{i}")
        text = "writer" if kind == "people" else "morning"
        api.call("get", f"/api/search?q={text}")  # the token's first use is recorded once
        counts = []
        for per_page in (2, 20):
            with CaptureQueriesContext(connection) as queries:
                response = api.call("get", f"/api/search?q={text}&type={kind}&per_page={per_page}")
            assert len(response.json()["items"]) >= 2
            counts.append(len(queries))
        # the token, its user, [the tsquery], the ids, the items
        assert counts == [4 + (TSQUERY if kind == "posts" else 0)] * 2

    def test_documented_in_the_schema(self, client):
        schema = client.get("/api/schema", HTTP_ACCEPT="application/json").content.decode()
        assert "/api/search" in schema
        assert "PostSearchResults" in schema
