"""Every page runs a fixed number of SQL queries, whatever the page size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db

# A member's request costs 2 queries (session, user), plus 2 for their permissions
# when a page shows someone else's post (moderators see "Delete" on every post).
PAGES = [
    # (name, url, logged in, expected queries)
    ("home", lambda u: reverse("home"), True, 2 + 2 + 1),
    ("explore", lambda u: reverse("explore"), False, 1),
    ("explore, member", lambda u: reverse("explore"), True, 2 + 2 + 1),
    # profile with counts, "do I follow them?", posts
    ("profile", lambda u: reverse("profile", args=[u.username]), True, 2 + 3),
    # profile with counts, follows with users, "which of them do I follow?"
    ("followers", lambda u: reverse("followers", args=[u.username]), True, 2 + 3),
    ("following", lambda u: reverse("following", args=[u.username]), True, 2 + 3),
    ("edit profile", lambda u: reverse("profile_edit"), True, 2),
    ("delete confirmation", lambda u: reverse("post_delete", args=[u.posts.first().pk]), True, 3),
    ("log in", lambda u: reverse("account_login"), False, 0),
    ("sign up", lambda u: reverse("account_signup"), False, 0),
    ("password reset", lambda u: reverse("account_reset_password"), False, 0),
    # allauth's e-mail page: the addresses, and whether one more may be added
    ("e-mail addresses", lambda u: reverse("account_email"), True, 2 + 2),
]


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(("name", "url", "logged_in", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_page_query_count_is_fixed(client, settings, busy_user, name, url, logged_in, expected):
    if logged_in:
        client.force_login(busy_user)
    counts = []
    for per_page in (2, 20):
        settings.POSTS_PER_PAGE = per_page
        counts.append(count_queries(client, url(busy_user)))
    assert counts == [expected, expected]
