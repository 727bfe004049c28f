"""Every page and API list runs a fixed number of SQL queries, whatever the page size."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from messaging.selectors import unread_counts_keys

pytestmark = pytest.mark.django_db

# A member's request costs 1 query (the user; the session is read from the cache);
# permissions are only looked up for staff (is this reader a moderator?), so members' pages
# never pay for them. The navbar's badges cost one more when their cached counts were
# forgotten (they are counted here so), none otherwise.
BADGES = 1
PAGES = [
    # (name, url, logged in, expected queries)
    ("home", lambda u: reverse("home"), True, 1 + 2 + BADGES),  # followed authors, posts
    ("explore", lambda u: reverse("explore"), False, 1),
    ("explore, member", lambda u: reverse("explore"), True, 1 + 1 + BADGES),
    # posts (one's own profile comes with the member); someone else's: the profile (its
    # counts are stored), "do I follow them?", posts
    ("own profile", lambda u: reverse("profile", args=[u.username]), True, 1 + 1 + BADGES),
    ("profile", lambda u: reverse("profile", args=[friend(u)]), True, 1 + 3 + BADGES),
    # profile with counts, follows with users, "which of them do I follow?"
    ("followers", lambda u: reverse("followers", args=[u.username]), True, 1 + 3 + BADGES),
    ("following", lambda u: reverse("following", args=[u.username]), True, 1 + 3 + BADGES),
    ("edit profile", lambda u: reverse("profile_edit"), True, 1 + BADGES),
    (
        "delete confirmation",
        lambda u: reverse("post_delete", args=[u.posts.first().pk]),
        True,
        1 + 1 + BADGES,
    ),
    ("log in", lambda u: reverse("account_login"), False, 0),
    ("sign up", lambda u: reverse("account_signup"), False, 0),
    ("password reset", lambda u: reverse("account_reset_password"), False, 0),
    # allauth's change-e-mail page: is the account's address recorded, the addresses, the
    # current one, the pending one
    ("e-mail address", lambda u: reverse("account_email"), True, 1 + 4 + BADGES),
    # conversations, the unread count of each
    ("inbox", lambda u: reverse("inbox"), True, 1 + 2 + BADGES),
    # the other member, messages, blocks between the two (nothing unread to mark)
    ("conversation", lambda u: reverse("conversation", args=[friend(u)]), True, 1 + 3 + BADGES),
    ("notifications", lambda u: reverse("notifications"), True, 1 + 1 + BADGES),
    ("message settings", lambda u: reverse("messaging_settings"), True, 1 + 1 + BADGES),
    # the other member, "did I block them?"
    ("block", lambda u: reverse("block", args=[friend(u)]), True, 1 + 2 + BADGES),
    ("report", lambda u: reverse("report", args=[friend(u)]), True, 1 + 1 + BADGES),
]


def friend(user) -> str:
    """The username of someone who follows `user` (and has a conversation with them)."""
    return user.follower_set.first().follower.username


def count_queries(client, url, user) -> int:
    cache.delete_many(unread_counts_keys(user.pk))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(("name", "url", "logged_in", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_page_query_count_is_fixed(client, settings, busy_user, name, url, logged_in, expected):
    if logged_in:
        client.force_login(busy_user)
    counts = []
    for per_page in (2, 20):
        settings.POSTS_PER_PAGE = settings.MESSAGES_PER_PAGE = per_page
        counts.append(count_queries(client, url(busy_user), busy_user))
    assert counts == [expected, expected]


def test_badges_cost_no_query_once_counted(client, busy_user):
    client.force_login(busy_user)
    url = reverse("explore")
    count_queries(client, url, busy_user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.context["unread_counts"].notifications == 12
    assert len(queries) == 1 + 1  # the user, the posts


def test_polling_costs_three_queries(client, busy_user):
    client.force_login(busy_user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(
            reverse("notifications"), {"since": 0}, HTTP_ACCEPT="application/json"
        )
    assert len(response.json()) == 2 + 12
    assert len(queries) == 1 + 2  # the user, both counts, the new notifications


# the token, its user, [the user in the path], COUNT, the page
COLLECTIONS = {
    "/api/users": 4,
    "/api/users/{user}/followers": 5,
    "/api/users/{user}/following": 5,
    "/api/users/{user}/posts": 5,
    "/api/timeline": 5,  # the followed authors too
    "/api/explore": 4,
    "/api/messages": 5,  # the unread count of each conversation too
    "/api/messages/{friend}": 5,
    "/api/notifications": 4,
}


@pytest.mark.parametrize(("path", "expected"), COLLECTIONS.items())
def test_collection_query_counts_do_not_depend_on_per_page(
    api_client, get_token, busy_user, path, expected
):
    api = api_client(get_token(busy_user.username))
    url = path.format(user=busy_user.pk, friend=busy_user.follower_set.first().follower_id)
    api.call("get", url)  # the token's first use is recorded once
    counts = []
    for per_page in (2, 20):
        with CaptureQueriesContext(connection) as queries:
            assert api.call("get", f"{url}?per_page={per_page}").status_code == 200
        counts.append(len(queries))
    assert counts == [expected, expected]
    cursor_page = api.call("get", f"{url}?per_page=2").json()["_links"].get("next_cursor")
    if cursor_page:
        with CaptureQueriesContext(connection) as queries:
            assert api.call("get", cursor_page).status_code == 200
        assert len(queries) == expected - 1  # no COUNT by cursor
        assert not any(re.search(r"COUNT\(\*\)", q["sql"]) for q in queries.captured_queries)


def test_one_user_costs_the_token_queries_and_at_most_one_more(api_client, get_token, busy_user):
    api = api_client(get_token(busy_user.username))
    other = busy_user.follower_set.first().follower
    api.call("get", f"/api/users/{busy_user.pk}")  # the token's first use is recorded once
    for user, expected in ((busy_user, 2), (other, 3)):  # oneself comes with the token
        with CaptureQueriesContext(connection) as queries:
            response = api.call("get", f"/api/users/{user.pk}")
        assert response.json()["follower_count"] == user.follower_count > 0
        assert len(queries) == expected
