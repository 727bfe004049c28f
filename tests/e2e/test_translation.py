"""A Spanish reader translates an English post in the browser, against a stand-in for a
paid translation service (core/tests/translator_standins.py), on the production server."""

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from core.tests.translator_standins import start
from posts.tests.factories import PostFactory
from tests.e2e.conftest import signed_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_spanish_reader_translates_an_english_post(browser, live_site):
    stand_in, service = start("libretranslate")
    live_site.env["TRANSLATOR_URL"] = stand_in.url
    live_site.restart()
    try:
        author = UserFactory(username="alice")
        post = PostFactory(
            author=author, body="The trains are <b>on time</b> today.", language="en"
        )
        PostFactory(author=author, body="Hoy los trenes llegan puntuales.", language="es")
        reader = UserFactory(username="bob", language="es")
        phone = {"viewport": {"width": 390, "height": 844}, "locale": "es-ES"}
        page = signed_in(browser, live_site.url, reader, **phone)
        page.goto(f"{live_site.url}/explore/")
        card = page.locator(f"#post-{post.pk}")
        expect(page.get_by_role("button", name="Traducir")).to_have_count(1)  # not the Spanish one
        card.get_by_role("button", name="Traducir").focus()
        page.keyboard.press("Enter")  # keyboard-accessible
        translation = card.locator(".post-translation")
        expect(translation).to_contain_text("[es] THE TRAINS ARE <B>ON TIME</B> TODAY.")
        expect(translation).to_contain_text("Traducido por LibreTranslate (original: Inglés)")
        page.screenshot(path="/tmp/e2e-translation-es-390.png")
        card.get_by_role("button", name="Ver el original").click()
        expect(translation).to_have_count(0)
        card.get_by_role("button", name="Traducir").click()
        expect(translation).to_be_visible()
        assert len(stand_in.requests) == 1  # the second time came from the cache
        assert page.errors == []
    finally:
        service.shutdown()
