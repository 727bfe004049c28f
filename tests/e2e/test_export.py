"""Export your data in a real browser: start it, watch it live to the end without a reload
while a real task worker builds it, download the archive and open it."""

import json
import subprocess
import sys
import zipfile

import pytest
from playwright.sync_api import Browser, expect

from accounts.tests.factories import UserFactory
from posts.tests.factories import PostFactory
from tests.e2e.conftest import ROOT, signed_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Every state the job's element showed, as the page saw it change.
WATCH = """() => {
    window.seen = [];
    new MutationObserver(() => {
        const job = document.querySelector("#job-export");
        const bar = job && job.querySelector("progress");
        const text = job ? job.textContent.trim().slice(0, 30) : "";
        window.seen.push(bar ? `running:${bar.value}` : text);
    }).observe(document.body, { childList: true, subtree: true });
    window.notReloaded = true;
}"""


def test_start_watch_download_open(browser: Browser, live_site, tmp_path):
    alice = UserFactory(username="alice")
    for i in range(300):
        PostFactory(author=alice, body=f"Post number {i}")
    page = signed_in(browser, live_site.url, alice)
    page.goto(f"{live_site.url}/settings/export/")
    page.get_by_role("button", name="Export my data").click()
    expect(page.get_by_text("Waiting for a worker")).to_be_visible()
    page.evaluate(WATCH)
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay",
         "--interval", "0.2"],
        cwd=ROOT, env=live_site.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        download_link = page.get_by_role("link", name="Download")
        expect(download_link).to_be_visible(timeout=30_000)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert page.evaluate("window.notReloaded") is True
    seen = page.evaluate("window.seen")
    assert any(state.startswith("running:") for state in seen), seen
    with page.expect_download() as download:
        download_link.click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    archive = zipfile.ZipFile(path)
    posts = json.loads(archive.read("posts.json"))
    assert len(posts) == 300 and posts[0]["body"] == "Post number 0"
    assert page.errors == []
