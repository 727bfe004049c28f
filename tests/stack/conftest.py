"""The production stack of deploy/ running on this machine (deploy/stack.py): nginx in
front of the web server (two processes on a unix socket) and two task workers, started with
their systemd units' commands, on a PostgreSQL cluster and a Redis server of their own.
One stack serves every test of this folder; faults (a worker killed, Redis restarted,
PostgreSQL stopped) are undone by the test that makes them."""

import json
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page

from deploy.stack import Stack, missing_programs
from tests.e2e.test_journey import PASSWORD

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


MEMBER = """
from django.test import Client
from accounts.models import User
user = User.objects.create_user({username!r}, {username!r} + "@example.com", {password!r})
client = Client()
client.force_login(user)
print(client.cookies["sessionid"].value)
"""


@pytest.fixture(scope="session")
def stack():
    """The running stack; a dead job is noticed after 10 s instead of 2 minutes.

    Its folder is not under pytest's (kept private to root, and pruned by other runs):
    PostgreSQL runs as its own user and must reach its cluster.
    """
    if missing := missing_programs():
        pytest.skip(f"the production stack needs {', '.join(missing)}")
    root = Path(tempfile.mkdtemp(prefix="microblog-stack-"))
    running = Stack(root, settings={"JOB_STALE_SECONDS": "10"})
    try:
        running.start()
        yield running
    finally:
        running.stop()
        shutil.rmtree(root, ignore_errors=True)


def member_page(browser: Browser, stack: Stack, username: str, **options) -> Page:
    """A new member of the stack's site, signed in in a new browser context; JavaScript
    errors are kept in `page.errors`."""
    output = stack.manage("shell", "-c", MEMBER.format(username=username, password=PASSWORD))
    session = output.split()[-1]  # after any log lines (logs go to stdout too)
    context = browser.new_context(**options)
    context.add_cookies([{"name": "sessionid", "value": session, "url": stack.url}])
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(error))
    return page


def exported_posts(page: Page, download_link: Locator, folder: Path) -> list[dict]:
    """Click an export's Download link: the posts in the archive."""
    with page.expect_download() as download:
        download_link.click()
    archive = folder / "archive.zip"
    download.value.save_as(archive)
    return json.loads(zipfile.ZipFile(archive).read("posts.json"))
