"""Post lists are the same for every reader; each sees only the actions they may use."""

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from posts.models import Post
from posts.tests.factories import PostFactory
from tests.e2e.conftest import signed_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_authors_and_moderators_see_delete_others_do_not(browser, live_server, client):
    bob, alice = UserFactory(username="bob"), UserFactory(username="alice")
    moderator = UserFactory(username="mod", is_staff=True)
    # Transactional tests flush the "Moderators" group its migration made: grant directly.
    moderator.user_permissions.add(Permission.objects.get(codename="delete_post"))
    post = PostFactory(author=bob, body="Bob's thoughts")
    link = f"#post-{post.pk} .post-delete"

    alice_page = signed_in(browser, live_server.url, alice)
    alice_page.goto(f"{live_server.url}/explore/")
    expect(alice_page.get_by_text("Bob's thoughts")).to_be_visible()
    expect(alice_page.locator(link)).to_be_hidden()

    moderator_page = signed_in(browser, live_server.url, moderator)
    moderator_page.goto(f"{live_server.url}/explore/")
    expect(moderator_page.locator(link)).to_be_visible()

    bob_page = signed_in(browser, live_server.url, bob)
    bob_page.goto(f"{live_server.url}/explore/?before=9999999999999999-1")
    bob_page.locator(link).click()
    expect(bob_page.get_by_role("heading", name="Delete this post?")).to_be_visible()
    bob_page.get_by_role("button", name="Delete").click()
    expect(bob_page.get_by_role("status")).to_contain_text("The post was deleted.")
    assert bob_page.url.endswith("/explore/?before=9999999999999999-1")  # back where it was
    assert not Post.objects.exists()
