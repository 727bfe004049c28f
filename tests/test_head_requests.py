"""Every page that answers GET answers HEAD (monitors, link checkers, curl -I), and no
method on any page is a 500."""

import pytest
from django.urls import reverse

from posts.tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def test_every_get_page_answers_head(member_client, user, other_user):
    post = PostFactory(author=user)
    urls = [
        reverse("home"),
        reverse("explore"),
        reverse("profile", args=[other_user.username]),
        reverse("followers", args=[other_user.username]),
        reverse("following", args=[other_user.username]),
        reverse("profile_edit"),
        reverse("token_list"),
        reverse("post_delete", args=[post.pk]),
        reverse("account_email"),
    ]
    for url in urls:
        response = member_client.head(url)
        assert response.status_code == 200, url
        assert response.content == b""


@pytest.mark.parametrize("path", ["/explore/", "/api/docs", "/api/schema", "/api/users", "/"])
@pytest.mark.parametrize("method", ["options", "put", "patch", "delete", "trace"])
def test_other_methods_are_answered_not_crashed(client, path, method):
    response = getattr(client, method)(path)
    assert response.status_code < 500, (method, path, response.status_code)
