"""A member's journey through nginx on the production stack: sign up, follow, post, a live
update over the WebSocket through nginx, an avatar served by nginx, an export finished by a
task worker."""

import re
from io import BytesIO

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import wait_live
from tests.e2e.test_journey import sign_up
from tests.stack.conftest import exported_posts

pytestmark = pytest.mark.stack


def test_sign_up_follow_post_live_avatar_export(browser, stack, tmp_path):
    at_ana = browser.new_context().new_page()
    at_ben = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    sign_up(at_ana, stack.url, "ana")
    sign_up(at_ben, stack.url, "ben")
    at_ben.goto(f"{stack.url}/user/ana/")
    at_ben.get_by_role("button", name="Follow ana").click()
    expect(at_ben.get_by_role("status").filter(has_text="You are following ana.")).to_be_visible()

    # Ben's home hears of Ana's post over the WebSocket, through nginx.
    at_ben.goto(f"{stack.url}/")
    wait_live(at_ben, "home")
    at_ana.get_by_label("Say something").fill("Hello through nginx")
    at_ana.get_by_role("button", name="Post", exact=True).click()
    expect(at_ana.get_by_role("status").filter(has_text="Your post is now live!")).to_be_visible()
    expect(at_ben.locator("#new-posts-button")).to_have_text("1 new post", timeout=5000)
    at_ben.locator("#new-posts-button").click()
    expect(at_ben.locator("#post-list .post-body").first).to_have_text("Hello through nginx")
    at_ben.screenshot(path="/tmp/stack-live-390.png")

    # An avatar: stored by the web process, served by nginx (the site itself serves no
    # media here: SERVE_MEDIA is off), with nginx's headers for uploads.
    picture = tmp_path / "me.png"
    Image.new("RGB", (300, 200), "teal").save(picture)
    at_ana.goto(f"{stack.url}/settings/profile/")
    at_ana.get_by_label("New avatar").set_input_files(picture)
    at_ana.get_by_role("button", name="Save").click()
    uploaded = at_ana.locator("img.avatar").first
    expect(uploaded).to_have_attribute("src", re.compile(r"^/media/avatars/"))
    source = uploaded.get_attribute("src")
    avatar = at_ana.request.get(stack.url + source)
    assert avatar.status == 200
    assert avatar.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert avatar.headers["content-security-policy"] == "default-src 'none'"
    assert Image.open(BytesIO(avatar.body())).size == (256, 256)

    # An export, carried out by one of the stack's task workers.
    at_ana.goto(f"{stack.url}/settings/export/")
    at_ana.get_by_role("button", name="Export my data").click()
    download_link = at_ana.get_by_role("link", name="Download")
    expect(download_link).to_be_visible(timeout=30_000)
    posts = exported_posts(at_ana, download_link, tmp_path)
    assert [post["body"] for post in posts] == ["Hello through nginx"]
    at_ana.screenshot(path="/tmp/stack-export.png")
