"""Two members in two browsers: messages, badges that update by polling, a block."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_placeholder("Username or email").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name=f"Hi, {username}!")).to_be_visible()


@pytest.fixture
def two_browsers(browser):
    """Alice on a wide screen, Bob on a phone; closed before the server goes (they poll)."""
    contexts = [
        browser.new_context(viewport={"width": 1280, "height": 900}),
        browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True),
    ]
    yield [context.new_page() for context in contexts]
    for context in contexts:
        context.close()


def test_write_answer_badges_and_block(two_browsers, live_server, settings):
    settings.NOTIFICATIONS_POLL_SECONDS = 2  # the site polls every 10 s; the test is quicker
    base = live_server.url
    UserFactory(username="alice")
    UserFactory(username="bob")
    alice, bob = two_browsers
    log_in(alice, base, "alice")
    log_in(bob, base, "bob")
    bob.goto(f"{base}/explore/")
    # On a phone the menu is collapsed: its button carries the count.
    bob_badge = bob.locator('[data-unread="any"]')
    expect(bob_badge).to_be_hidden()

    # Alice writes to Bob from his profile.
    alice.goto(f"{base}/user/bob/")
    alice.get_by_role("link", name="Send a private message").click()
    alice.get_by_label("Your message").fill("😀" * 100)  # characters, as the server counts
    expect(alice.locator("#id_body_counter")).to_have_text("40 characters left")
    alice.get_by_label("Your message").fill("Hi Bob! <b>not bold</b>")
    alice.get_by_role("button", name="Send").click()
    expect(alice.locator(".message-body")).to_have_text(["Hi Bob! <b>not bold</b>"])

    # Bob's badge appears without reloading his page, within the polling interval.
    expect(bob_badge).to_be_visible(timeout=10_000)
    expect(bob_badge).to_contain_text("1")
    bob.get_by_role("button", name="Toggle navigation").click()
    bob.get_by_role("link", name=re.compile("^Messages")).click()
    bob.screenshot(path="/tmp/e2e-inbox-390.png", full_page=True)
    bob.get_by_role("link", name="alice", exact=True).click()
    expect(bob.locator(".message-body")).to_have_text(["Hi Bob! <b>not bold</b>"])
    bob.get_by_role("button", name="Toggle navigation").click()
    expect(bob.locator('.navbar-collapse [data-unread="messages"]')).to_be_hidden()  # read now
    bob.get_by_label("Your message").fill("Hello Alice")
    bob.get_by_role("button", name="Send").click()
    expect(bob.locator(".message-body")).to_have_text(["Hi Bob! <b>not bold</b>", "Hello Alice"])
    bob.screenshot(path="/tmp/e2e-conversation-390.png", full_page=True)

    # Alice's badge updates on the page she has open.
    alice_badge = alice.locator('[data-unread="messages"]')
    expect(alice_badge).to_contain_text("1", timeout=10_000)
    alice.reload()
    expect(alice.locator(".message-body")).to_have_text(["Hi Bob! <b>not bold</b>", "Hello Alice"])
    expect(alice_badge).to_be_hidden()
    alice.screenshot(path="/tmp/e2e-conversation.png", full_page=True)

    # Bob blocks Alice, after confirming.
    bob.get_by_role("link", name="Block").click()
    bob.get_by_role("button", name="Block alice").click()
    expect(bob.get_by_role("status").first).to_contain_text("You blocked alice")

    # Alice can no longer write to him.
    alice.reload()
    expect(alice.get_by_text("bob does not accept messages from you.")).to_be_visible()
    expect(alice.get_by_label("Your message")).to_have_count(0)
    alice.screenshot(path="/tmp/e2e-refused.png", full_page=True)
    alice.goto(f"{base}/notifications/")
    expect(alice.get_by_text("bob sent you a private message.")).to_be_visible()
    alice.screenshot(path="/tmp/e2e-notifications.png", full_page=True)
