"""Turbo Drive and Frames in a browser: pages change without reloads and every form still
works (errors shown again, uploads, the language switch, logging out); the list's "Older
posts" changes the list alone."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from accounts.tests.factories import UserFactory
from posts.tests.factories import PostFactory
from tests.e2e.conftest import signed_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def no_full_load(page: Page) -> None:
    """Mark the document: a full page load would lose the mark."""
    page.evaluate("window.sameDocument = true")


def still_same_document(page: Page) -> bool:
    return page.evaluate("window.sameDocument === true")


def test_older_posts_change_the_list_and_keep_a_half_written_post(browser, live_site):
    alice = UserFactory(username="alice")
    for number in range(27):  # POSTS_PER_PAGE is 25
        PostFactory(author=alice, body=f"Post number {number}")
    page = signed_in(browser, live_site.url, alice)
    page.goto(f"{live_site.url}/")
    no_full_load(page)
    page.get_by_label("Say something").fill("Half-written")
    page.get_by_role("link", name="Older posts").click()
    expect(page.locator("#posts .post-body")).to_have_text(["Post number 1", "Post number 0"])
    expect(page).to_have_url(f"{live_site.url}/?before=" + page.url.split("?before=")[1])
    expect(page.get_by_label("Say something")).to_have_value("Half-written")
    assert still_same_document(page)
    # Links in the list still open whole pages.
    page.locator("#posts .post header a.user-popover-link").first.click()
    expect(page.get_by_role("heading", name="alice", exact=True)).to_be_visible()
    page.go_back()
    expect(page.locator("#posts .post-body")).to_have_count(2)
    assert page.errors == []


def test_forms_show_their_errors_and_upload_files(browser, live_site, tmp_path):
    alice = UserFactory(username="alice")
    page = signed_in(browser, live_site.url, alice)
    page.goto(f"{live_site.url}/")
    no_full_load(page)
    page.get_by_role("button", name="Post").click()
    expect(page.get_by_text("Write something first")).to_be_visible()  # the 422 page shown

    page.get_by_role("link", name="Profile").click()
    page.get_by_role("link", name="Edit your profile").click()
    image = tmp_path / "me.png"
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), "teal").save(buffer, "PNG")
    image.write_bytes(buffer.getvalue())
    page.get_by_label("New avatar").set_input_files(str(image))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="saved")).to_be_visible()
    avatar = page.locator("img.avatar").first
    expect(avatar).to_have_attribute("src", re.compile(r"/media/avatars/.*\.webp"))
    assert still_same_document(page)
    assert page.errors == []


def test_the_language_switch_and_logging_out_load_whole_pages(browser, live_site):
    page = signed_in(browser, live_site.url, UserFactory(username="alice"))
    page.goto(f"{live_site.url}/explore/")
    no_full_load(page)
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", name="Explorar")).to_be_visible()
    assert not still_same_document(page)  # the JavaScript catalogue changed too
    page.get_by_role("button", name="Cerrar sesión").click()
    expect(page.get_by_role("link", name="Iniciar sesión")).to_be_visible()
    assert page.errors == []
