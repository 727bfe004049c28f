"""Searching in a real browser: from the navbar, tabs, pages, in English and in Spanish."""

import re

import pytest
from playwright.sync_api import Browser, expect

from accounts.tests.factories import UserFactory
from posts.tests.factories import PostFactory
from tests.e2e.conftest import signed_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def coffee_posts(settings):
    """Three posts about coffee by a barista, and one about tea; one result per page."""
    settings.POSTS_PER_PAGE = 1
    barista = UserFactory(username="coffee_fan", about_me="Barista")
    for body in ("Coffee at dawn", "Café con leche, por favor", "The best coffee <b>ever</b>"):
        PostFactory(author=barista, body=body, language="en")
    PostFactory(author=barista, body="Green tea only", language="en")
    return barista


def test_search_from_the_navbar_tabs_and_pages(browser: Browser, live_server, coffee_posts):
    page = signed_in(browser, live_server.url, UserFactory())
    page.goto(f"{live_server.url}/explore/")
    box = page.get_by_role("search").get_by_label("Search")
    box.fill("coffee")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=coffee$"))
    # Markup in a post stays text; the word searched is marked.
    expect(page.locator(".post-body")).to_have_text(["The best coffee <b>ever</b>"])
    expect(page.locator(".post-body mark")).to_have_text(["coffee"])
    page.get_by_role("link", name="Next →").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator(".post-body")).to_have_text(["Coffee at dawn"])
    expect(page.get_by_text("Page 2")).to_be_visible()
    page.get_by_role("link", name="Best match").click()
    expect(page.get_by_role("link", name="Best match")).to_have_attribute("aria-current", "true")
    page.get_by_role("link", name="People").click()
    expect(page.get_by_role("link", name="coffee_fan").first).to_be_visible()
    expect(page.get_by_text("Barista")).to_be_visible()
    # The list's buttons share one form (its CSRF token): following from here works.
    page.get_by_role("button", name="Follow coffee_fan").click()
    expect(
        page.get_by_role("status").filter(has_text="You are following coffee_fan.")
    ).to_be_visible()
    expect(page).to_have_url(re.compile(r"type=people"))
    expect(page.get_by_role("button", name="Unfollow coffee_fan")).to_be_visible()
    assert page.errors == []


def test_search_in_spanish_on_a_phone(browser: Browser, live_server, coffee_posts):
    page = signed_in(browser, live_server.url, UserFactory(language="es"),
                     viewport={"width": 390, "height": 800})  # fmt: skip
    page.goto(f"{live_server.url}/explore/")
    page.get_by_role("button", name=re.compile("navegación", re.I)).click()
    box = page.get_by_role("search").get_by_label("Buscar")
    box.fill("té -coffee")
    box.press("Enter")
    expect(page.get_by_role("heading", name="Buscar")).to_be_visible()
    expect(page.get_by_text("Ninguna publicación coincide con “té -coffee”")).to_be_visible()
    page.get_by_role("link", name="Personas").click()
    expect(page).to_have_url(re.compile(r"type=people"))
    page.get_by_label("Términos de búsqueda").fill("coff")
    page.get_by_role("button", name="Buscar").click()
    expect(page.get_by_role("link", name="coffee_fan").first).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    assert page.errors == []
