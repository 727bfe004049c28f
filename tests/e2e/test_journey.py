"""A member's journey in a real browser (the system Chromium, driven by Playwright)."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long and lovely passphrase"


def sign_up(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/signup/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.com")
    page.get_by_label("Password", exact=False).first.fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name=f"Hi, {username}!")).to_be_visible()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()


def log_in(page: Page, base: str, login: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_placeholder("Username or email").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()


def test_sign_up_post_follow_unfollow_and_reset_password(page: Page, live_server):
    base = live_server.url
    sign_up(page, base, "alice")
    log_out(page)

    sign_up(page, base, "bob")
    compose = page.get_by_label("Say something")
    compose.fill("Hello from Bob!")
    expect(page.locator("#id_body_counter")).to_have_text("125 characters left")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Your post is now live!")).to_be_visible()
    expect(page.locator(".post-body")).to_have_text(["Hello from Bob!"])
    log_out(page)

    log_in(page, base, "alice")
    expect(page.get_by_text("Write your first post")).to_be_visible()
    page.goto(f"{base}/user/bob/")
    page.get_by_role("button", name="Follow bob").click()
    expect(page.get_by_role("status").filter(has_text="You are following bob.")).to_be_visible()
    expect(page.get_by_role("link", name="1 follower")).to_be_visible()

    page.get_by_role("link", name="Home").click()
    expect(page.locator(".post-body")).to_have_text(["Hello from Bob!"])

    page.goto(f"{base}/user/bob/")
    page.get_by_role("button", name="Unfollow bob").click()
    expect(
        page.get_by_role("status").filter(has_text="You are not following bob anymore.")
    ).to_be_visible()
    page.get_by_role("link", name="Home").click()
    expect(page.locator(".post-body")).to_have_count(0)
    log_out(page)

    # Forgot the password: the e-mailed one-time link sets a new one.
    mail.outbox.clear()
    page.goto(f"{base}/accounts/password/reset/")
    page.get_by_label("Email").fill("alice@example.com")
    page.get_by_role("button", name="Reset My Password").click()
    # Turbo Drive submits in the background: wait for the page that says it is sent.
    expect(page).to_have_url(re.compile(r"/password/reset/done/$"))
    [message] = [m for m in mail.outbox if "/password/reset/key/" in m.body]
    link = re.search(r"https?://\S+/password/reset/key/\S+", message.body).group(0)
    page.goto(link)
    new_password = "an even better passphrase"
    page.get_by_role("textbox", name="New Password", exact=False).first.fill(new_password)
    page.get_by_label("New Password (again)").fill(new_password)
    page.get_by_role("button", name="Change Password").click()
    expect(page.get_by_text("Your password is now changed.")).to_be_visible()

    log_in(page, base, "alice@example.com", new_password)
    expect(page.get_by_role("heading", name="Hi, alice!")).to_be_visible()
