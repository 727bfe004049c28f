"""Live pages in two browsers against the production server (scripts/serve: two processes,
the embedded channel layer): new posts, messages and badges arrive without a reload, the
page survives a server restart, and with WebSocket blocked the badges still poll."""

import re

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from posts.tests.factories import PostFactory
from social.tests.factories import FollowFactory
from tests.e2e.conftest import signed_in, wait_live

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CONNECTED = "turbo-cable-stream-source[connected]"


def test_a_followers_home_offers_new_posts_and_drops_deleted_ones(browser, live_site):
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    FollowFactory(follower=bob, followed=alice)
    at_alice = signed_in(browser, live_site.url, alice)
    at_bob = signed_in(browser, live_site.url, bob, viewport={"width": 390, "height": 844})
    at_bob.goto(f"{live_site.url}/")
    wait_live(at_bob, "home")

    at_alice.goto(f"{live_site.url}/")
    at_alice.get_by_label("Say something").fill("Fresh from the oven")
    at_alice.get_by_role("button", name="Post").click()
    # Her own post is on her page at once (Turbo Drive followed the redirect).
    expect(at_alice.locator("#post-list .post-body").first).to_have_text("Fresh from the oven")

    button = at_bob.locator("#new-posts-button")
    expect(button).to_have_text("1 new post", timeout=2000)
    expect(at_bob.locator("#post-list .post")).to_have_count(0)
    at_bob.screenshot(path="/tmp/e2e-live-banner-390.png")
    button.click()
    expect(at_bob.locator("#post-list .post-body")).to_have_text(["Fresh from the oven"])
    expect(button).to_be_hidden()
    # Bob may not delete it: the pushed card shows him no delete link.
    expect(at_bob.locator("#post-list .post-delete")).to_be_hidden()

    at_alice.locator(".post-delete").first.click()
    at_alice.get_by_role("button", name="Delete").click()
    expect(at_bob.locator("#post-list .post")).to_have_count(0, timeout=2000)


def test_a_message_reaches_the_open_conversation_and_the_badges(browser, live_site):
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    at_alice = signed_in(browser, live_site.url, alice)
    at_bob = signed_in(browser, live_site.url, bob)
    bobs_other_tab = at_bob.context.new_page()
    bobs_other_tab.goto(f"{live_site.url}/explore/")
    wait_live(bobs_other_tab)
    badge = bobs_other_tab.locator('.navbar-nav [data-unread="messages"]')
    expect(badge).to_be_hidden()

    # Bob opens an empty conversation with Alice; Alice writes from hers.
    at_bob.goto(f"{live_site.url}/messages/alice/")
    wait_live(at_bob)
    at_alice.goto(f"{live_site.url}/messages/bob/")
    at_alice.get_by_label("Your message").fill("Hello <b>Bob</b>")
    at_alice.get_by_role("button", name="Send").click()

    expect(at_bob.locator(".message-theirs .message-body")).to_have_text(
        ["Hello <b>Bob</b>"], timeout=2000
    )
    expect(at_bob.get_by_text("No messages with alice yet")).to_be_hidden()
    # Shown to Bob in his open conversation, so read: his other tab's badge stays clear...
    expect(badge).to_be_hidden()
    # ...while a message he has not seen lights it, without a reload.
    at_bob.goto(f"{live_site.url}/explore/")
    at_alice.get_by_label("Your message").fill("Are you there?")
    at_alice.get_by_role("button", name="Send").click()
    expect(badge).to_have_text(re.compile(r"^1"), timeout=2000)
    # Reading it in one tab clears the badge in the other.
    at_bob.goto(f"{live_site.url}/messages/alice/")
    expect(at_bob.locator(".message-body")).to_have_count(2)
    expect(badge).to_be_hidden(timeout=2000)
    bobs_other_tab.screenshot(path="/tmp/e2e-live-badges.png")


def test_after_a_server_restart_the_page_reconnects_and_catches_up(browser, live_site):
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    FollowFactory(follower=bob, followed=alice)
    at_bob = signed_in(browser, live_site.url, bob)
    at_bob.goto(f"{live_site.url}/")
    wait_live(at_bob, "home")

    live_site.stop()
    expect(at_bob.locator(f'{CONNECTED}[data-stream="home"]')).to_have_count(0, timeout=10_000)
    PostFactory(author=alice, body="Written while the site was down")  # nothing pushed it
    live_site.start()

    # The page reconnects by itself and asks what it missed.
    expect(at_bob.locator("#new-posts-button")).to_have_text("1 new post", timeout=15_000)
    wait_live(at_bob, "home")
    at_alice = signed_in(browser, live_site.url, alice)
    at_alice.goto(f"{live_site.url}/")
    at_alice.get_by_label("Say something").fill("Written after the restart")
    at_alice.get_by_role("button", name="Post").click()
    expect(at_bob.locator("#new-posts-button")).to_have_text("2 new posts", timeout=2000)


def test_with_websocket_blocked_the_badges_still_poll(browser, live_site):
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    at_bob = signed_in(browser, live_site.url, bob)
    at_bob.context.route_web_socket(re.compile(r".*/cable$"), lambda socket: socket.close())
    at_bob.goto(f"{live_site.url}/explore/")
    badge = at_bob.locator('.navbar-nav [data-unread="messages"]')
    expect(badge).to_be_hidden()
    at_alice = signed_in(browser, live_site.url, alice)
    at_alice.goto(f"{live_site.url}/messages/bob/")
    at_alice.get_by_label("Your message").fill("Knock knock")
    at_alice.get_by_role("button", name="Send").click()
    expect(badge).to_have_text(re.compile(r"^1"), timeout=6000)  # polled every 2 s
    assert at_bob.locator(CONNECTED).count() == 0
