"""Browser tests: Playwright's sync API runs an event loop, and the tests also use the ORM.

`live_site` is the production server (scripts/serve: uvicorn processes speaking HTTP and
WebSocket, as `make run` starts them) on the test database, for pages that are live.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, Page

from conftest import database_url
from deploy.stack import free_port, wait_port

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(settings.BASE_DIR)


def signed_in(browser: Browser, url: str, user, **options) -> Page:
    """A page in a new browser context carrying `user`'s session for the site at `url`
    (made here, read by the server from the shared database); JavaScript errors are kept
    in `page.errors`."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(**options)
    session = client.cookies["sessionid"].value
    context.add_cookies([{"name": "sessionid", "value": session, "url": url}])
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(error))
    return page


def wait_live(page: Page, stream: str = "member") -> None:
    """Wait until the page's live connection for `stream` is open."""
    page.wait_for_selector(
        f'turbo-cable-stream-source[data-stream="{stream}"][connected]', state="attached"
    )


class LiveSite:
    """scripts/serve on a free port; `restart()` stops and starts it again on the same port."""

    def __init__(self, env: dict, log: Path):
        self.env = env
        self.log = log
        self.port = int(env["PORT"])
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self) -> None:
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                [str(ROOT / "scripts" / "serve")], cwd=ROOT, env=self.env, stdout=output,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        wait_port(self.port)
        time.sleep(0.5)  # the second process too

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)

    def restart(self) -> None:
        self.stop()
        self.start()


@pytest.fixture(scope="session")
def server_cache_table(django_db_setup, django_db_blocker):
    """The database cache's table, which the server uses on PostgreSQL without Redis (the
    tests' own cache is in memory, so migrating the test database did not make it)."""
    with django_db_blocker.unblock():
        url = database_url()
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    subprocess.run(
        [sys.executable, "manage.py", "createcachetable"],
        cwd=ROOT, env=env | {"DATABASE_URL": url}, check=True,
    )  # fmt: skip


@pytest.fixture
def live_site(transactional_db, collected_static, server_cache_table, tmp_path):
    """The production server on the test database (embedded channel layer, two processes)."""
    hidden = {"SECRET_KEY_FILE", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    env = {key: value for key, value in os.environ.items() if key not in hidden} | {
        "DEBUG": "false",
        "SECURE_COOKIES": "false",
        "SECRET_KEY": settings.SECRET_KEY,
        "DATABASE_URL": database_url(),
        "VAR_DIR": str(tmp_path / "var"),
        "STATIC_ROOT": str(collected_static),
        "HOST": "127.0.0.1",
        "PORT": str(free_port()),
        "WEB_CONCURRENCY": "2",
        "NOTIFICATIONS_POLL_SECONDS": "2",
        # Tests write posts with factories (no service, so no forgetting of a kept page),
        # and the database cache outlives each test's flush.
        "EXPLORE_CACHE_SECONDS": "0",
    }
    site = LiveSite(env, tmp_path / "server.log")
    site.start()
    yield site
    site.stop()
