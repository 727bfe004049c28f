"""Members' cards in popovers on their names, with a mouse, a keyboard and a finger."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.tests.factories import UserFactory
from posts.tests.factories import PostFactory
from social.tests.factories import FollowFactory
from tests.e2e.conftest import signed_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ABOUT = "Tea, trains & <typography>."
CARD = ".popover.user-popover"
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}


@pytest.fixture
def post(db):
    author = UserFactory(username="lucia", about_me=ABOUT)
    return PostFactory(author=author, body="Trains are on time today.")


def author_name(page: Page, post):
    return page.locator(f"#post-{post.pk} header a.user-popover-link")


def focused_is(page: Page, selector: str) -> bool:
    return page.evaluate("(s) => document.activeElement.matches(s)", selector)


def test_hover_shows_the_card_once_fetched_and_escape_hides_it(page: Page, live_site, post):
    fetched, errors = [], []
    page.on("request", lambda r: fetched.append(r.url) if "/popup/" in r.url else None)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_site.url}/explore/")
    name = author_name(page, post)
    name.hover()
    card = page.locator(CARD)
    expect(card).to_be_visible()
    expect(card).to_contain_text(ABOUT)  # as text: escaped, not markup
    expect(card).to_contain_text("Member since")
    expect(card.locator("form, button")).to_have_count(0)  # visitors get no buttons
    expect(name).to_have_attribute("aria-describedby", re.compile(r"^popover"))
    page.screenshot(path="/tmp/popover-desktop-en.png", animations="disabled")

    page.keyboard.press("Escape")
    expect(card).to_have_count(0)
    expect(name).not_to_have_attribute("aria-describedby", re.compile(".+"))

    # Away and back: the card comes again from the page's copy.
    page.mouse.move(0, 0)
    name.hover()
    expect(card).to_contain_text(ABOUT)
    page.mouse.move(0, 0)
    expect(card).to_have_count(0)  # leaving the name closes it
    assert len(fetched) == 1, fetched
    # No Content-Security-Policy violation ("Refused to ..."), no script error. Gravatar's
    # avatars cannot load here (no internet): app.js shows the local placeholder instead.
    assert [e for e in errors if not e.startswith("Failed to load resource")] == []


def test_pointer_can_move_into_the_card(page: Page, live_site, post):
    page.goto(f"{live_site.url}/explore/")
    author_name(page, post).hover()
    card = page.locator(CARD)
    expect(card).to_be_visible()
    card.locator(".user-card-about").hover()
    page.wait_for_timeout(600)  # longer than the grace delay
    expect(card).to_be_visible()


def test_clicking_the_name_still_opens_the_profile(page: Page, live_site, post):
    page.goto(f"{live_site.url}/explore/")
    author_name(page, post).click()
    expect(page).to_have_url(f"{live_site.url}/user/lucia/")
    page.goto(f"{live_site.url}/explore/")
    page.locator(f"#post-{post.pk} a.user-popover-link").first.click()  # the avatar
    expect(page).to_have_url(f"{live_site.url}/user/lucia/")


def test_people_lists_have_cards_too(page: Page, live_site, post):
    FollowFactory(follower=UserFactory(username="marta", about_me="Knits."), followed=post.author)
    page.goto(f"{live_site.url}/user/lucia/followers/")
    page.locator("a.user-popover-link", has_text="marta").hover()
    expect(page.locator(CARD)).to_contain_text("Knits.")


def test_keyboard_opens_enters_and_leaves_the_card(browser, live_site, client, post):
    page = signed_in(browser, live_site.url, UserFactory(username="bob"))
    page.goto(f"{live_site.url}/explore/")
    card = page.locator(CARD)
    for _ in range(40):  # Tab through the page to the post's first author link (its avatar)
        page.keyboard.press("Tab")
        if focused_is(page, ".user-popover-link"):
            break
    expect(card).to_be_visible()
    expect(card).to_contain_text(ABOUT)

    # Tab goes into the card: its name, Follow, Message; then on past the avatar link.
    page.keyboard.press("Tab")
    assert focused_is(page, f"{CARD} a.user-card-name")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Follow lucia")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Message lucia")).to_be_focused()
    expect(page.get_by_role("link", name="Message lucia")).to_have_attribute(
        "href", "/messages/lucia/"
    )
    page.screenshot(path="/tmp/popover-keyboard.png", animations="disabled")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert focused_is(page, f"#post-{post.pk} > a.user-popover-link")  # back on the avatar
    for _ in range(4):
        page.keyboard.press("Tab")
    expect(author_name(page, post)).to_be_focused()  # the next link after the avatar
    expect(card).to_have_count(1)  # whose card shows in turn

    page.keyboard.press("Escape")
    expect(card).to_have_count(0)
    expect(author_name(page, post)).to_be_focused()

    # Focus moving on (to the post's time) closes the card; coming back opens it.
    page.keyboard.press("Tab")
    expect(page.locator(f"#post-{post.pk} time")).to_be_focused()
    expect(card).to_have_count(0)
    page.keyboard.press("Shift+Tab")
    expect(card).to_be_visible()


def test_following_from_the_card_comes_back_to_the_page(browser, live_site, client, post):
    page = signed_in(browser, live_site.url, UserFactory(username="bob"))
    page.goto(f"{live_site.url}/explore/")
    author_name(page, post).hover()
    page.get_by_role("button", name="Follow lucia").click()
    expect(page.get_by_role("status")).to_contain_text("You are following lucia.")
    expect(page).to_have_url(f"{live_site.url}/explore/")
    author_name(page, post).hover()
    expect(page.get_by_role("button", name="Unfollow lucia")).to_be_visible()


def test_spanish_card(browser, live_site, client, post):
    page = signed_in(browser, live_site.url, UserFactory(username="bob"), locale="es-ES")
    page.goto(f"{live_site.url}/explore/")
    author_name(page, post).hover()
    card = page.locator(CARD)
    expect(card).to_contain_text("Miembro desde")
    expect(card).to_contain_text("1 publicación")
    expect(card.get_by_role("button", name="Seguir lucia")).to_be_visible()
    page.screenshot(path="/tmp/popover-desktop-es.png", animations="disabled")


def test_a_failed_load_says_so(page: Page, live_site, post):
    page.route("**/popup/", lambda route: route.abort())
    page.goto(f"{live_site.url}/explore/")
    author_name(page, post).hover()
    expect(page.locator(CARD)).to_have_text("Could not load this profile.")


def test_touch_first_tap_opens_the_card_and_its_name_opens_the_profile(
    browser, live_site, client, post
):
    page = signed_in(browser, live_site.url, UserFactory(username="bob"), **PHONE)
    page.goto(f"{live_site.url}/explore/")
    name = author_name(page, post)
    name.tap()
    card = page.locator(CARD)
    expect(card).to_contain_text(ABOUT)
    expect(page).to_have_url(f"{live_site.url}/explore/")  # the first tap did not navigate
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390  # fits the narrow screen
    page.screenshot(path="/tmp/popover-phone-en.png", animations="disabled")

    page.locator("h1").first.tap()  # a tap elsewhere closes it
    expect(card).to_have_count(0)

    name.tap()
    card.locator("a.user-card-name").tap()
    expect(page).to_have_url(f"{live_site.url}/user/lucia/")


def test_touch_second_tap_on_the_name_opens_the_profile(browser, live_site, post):
    context = browser.new_context(locale="es-ES", **PHONE)
    page = context.new_page()
    page.goto(f"{live_site.url}/explore/")
    name = author_name(page, post)
    name.tap()
    expect(page.locator(CARD)).to_contain_text("Miembro desde")
    page.screenshot(path="/tmp/popover-phone-es.png", animations="disabled")
    name.tap()
    expect(page).to_have_url(f"{live_site.url}/user/lucia/")
    context.close()
