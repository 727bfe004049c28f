"""Times in the reader's language and zone, as Chromium shows them (Intl APIs in app.js)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from accounts.tests.factories import UserFactory
from posts.tests.factories import PostFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def posts(db):
    author = UserFactory(username="lucia")
    recent = PostFactory(
        author=author, body="recent", created=timezone.now() - timedelta(minutes=3)
    )
    old = PostFactory(author=author, body="old", created=datetime(2026, 1, 15, 23, 30, tzinfo=UTC))
    return recent, old


@pytest.mark.parametrize(
    ("locale", "zone", "relative", "exact"),
    [
        ("en-US", "Asia/Tokyo", "3 minutes ago", "Friday, January 16, 2026 at 8:30"),
        ("es-ES", "Europe/Madrid", "hace 3 minutos", "viernes, 16 de enero de 2026, 0:30"),
    ],
)
def test_relative_and_exact_times(
    browser: Browser, live_server, posts, locale, zone, relative, exact
):
    recent, old = posts
    context = browser.new_context(locale=locale, timezone_id=zone)
    page = context.new_page()
    page.goto(f"{live_server.url}/explore/")
    recent_time = page.locator(f"#post-{recent.pk} time")
    expect(recent_time).to_have_text(relative)
    old_time = page.locator(f"#post-{old.pk} time")
    old_time.focus()  # keyboard users get the exact time too, not only on hover
    expect(page.locator(".tooltip")).to_contain_text(exact)
    # The browser's zone is now remembered, so server-rendered dates use it too.
    assert {c["name"]: c["value"] for c in context.cookies()}["tz"] == zone
    context.close()
