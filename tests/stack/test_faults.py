"""Faults on the production stack, with nothing lost: a task worker killed in the middle of
an export, Redis restarted under live pages, PostgreSQL stopped for over a minute."""

import json
import signal
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import wait_live
from tests.stack.conftest import exported_posts, member_page

pytestmark = pytest.mark.stack

# A member with this many posts takes a worker a few seconds to export.
MANY_POSTS = 300_000
# How long PostgreSQL stays down.
OUTAGE_SECONDS = 80


def wait_for(condition, *, timeout: float, every: float = 0.05):
    """`condition()`'s first true value within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(every)
    raise AssertionError(f"still false after {timeout} s: {condition}")


def running_export_worker(stack) -> str:
    """The id of the worker running an export task now, or ''."""
    return stack.sql(
        "select worker_ids->>-1 from django_tasks_database_dbtaskresult "
        "where status = 'RUNNING' and task_path like '%export%'"
    )


def test_a_worker_killed_mid_export_is_told_and_the_export_can_be_retried(browser, stack, tmp_path):
    page = member_page(browser, stack, "prolific")
    stack.sql(
        "insert into posts_post (author_id, body, language, created) "
        f"select id, 'Post ' || n, '', now() - n * interval '1 second' "
        f"from accounts_user, generate_series(1, {MANY_POSTS}) n where username = 'prolific'"
    )
    page.goto(f"{stack.url}/settings/export/")
    page.get_by_role("button", name="Export my data").click()

    worker_id = wait_for(lambda: running_export_worker(stack), timeout=30)
    worker = stack.services[f"worker{worker_id.rsplit('-', 1)[1]}"]
    starts = worker.starts
    worker.kill(signal.SIGKILL)

    # systemd's Restart=always brings the worker back; the job, silent past
    # JOB_STALE_SECONDS, is failed and the member told when they look.
    wait_for(lambda: worker.starts > starts, timeout=10)
    time.sleep(11)
    page.reload()
    expect(page.get_by_text("its worker was interrupted", exact=False)).to_be_visible()
    page.screenshot(path="/tmp/stack-export-failed.png")
    page.get_by_role("link", name="Try again").click()
    page.get_by_role("button", name="Export my data").click()
    download_link = page.get_by_role("link", name="Download")
    expect(download_link).to_be_visible(timeout=90_000)
    assert len(exported_posts(page, download_link, tmp_path)) == MANY_POSTS


def test_pages_answer_while_redis_restarts_and_live_updates_resume(browser, stack):
    at_cleo = member_page(browser, stack, "cleo")
    at_dan = member_page(browser, stack, "dan")
    at_dan.goto(f"{stack.url}/user/cleo/")
    at_dan.get_by_role("button", name="Follow cleo").click()
    at_dan.goto(f"{stack.url}/")
    wait_live(at_dan, "home")

    stack.services["redis"].stop()
    # The cache fails soft: pages, signed in or not, keep answering.
    assert stack.get("/explore/")[0] == 200
    assert stack.get("/user/cleo/")[0] == 200
    assert at_cleo.request.get(f"{stack.url}/").status == 200
    at_cleo.goto(f"{stack.url}/")
    at_cleo.get_by_label("Say something").fill("Written while Redis was down")
    at_cleo.get_by_role("button", name="Post", exact=True).click()
    expect(at_cleo.get_by_role("status").filter(has_text="Your post is now live!")).to_be_visible()

    stack.services["redis"].start()
    # Dan's page, left open through the restart, reconnects by itself (its groups died
    # with Redis: core.layer_watch notices), catches up, and hears new posts live again.
    expect(at_dan.locator("#new-posts-button")).to_have_text("1 new post", timeout=30_000)
    wait_live(at_dan, "home")
    at_cleo.get_by_label("Say something").fill("Written after Redis came back")
    at_cleo.get_by_role("button", name="Post", exact=True).click()
    expect(at_dan.locator("#new-posts-button")).to_have_text("2 new posts", timeout=10_000)
    assert at_dan.errors == []


def test_postgresql_down_is_a_clear_503_and_the_site_recovers_by_itself(browser, stack):
    at_eve = member_page(browser, stack, "eve")
    at_eve.goto(f"{stack.url}/")
    at_eve.get_by_label("Say something").fill("Before the outage")
    at_eve.get_by_role("button", name="Post", exact=True).click()
    expect(at_eve.get_by_role("status").filter(has_text="Your post is now live!")).to_be_visible()

    stack.postgres_stop()
    outage_began = time.monotonic()
    try:
        status, headers, body = stack.get("/user/eve/", timeout=30)
        assert status == 503
        assert "cannot reach its database" in body.decode()
        assert headers["Retry-After"] == "5"
        at_eve.get_by_label("Say something").fill("During the outage")
        at_eve.get_by_role("button", name="Post", exact=True).click()
        expect(at_eve.get_by_text("cannot reach its database", exact=False)).to_be_visible(
            timeout=30_000
        )
        at_eve.screenshot(path="/tmp/stack-503.png")
        assert stack.get("/healthz")[0] == 200
        status, _, body = stack.get("/readyz", timeout=30)
        assert status == 503 and json.loads(body)["checks"]["database"] == "failed"
        # A long outage with visitors knocking: the pools' attempts to reconnect back
        # off, and once kept the site down for a minute after PostgreSQL was back.
        while time.monotonic() - outage_began < OUTAGE_SECONDS:
            assert stack.get("/user/eve/", timeout=30)[0] == 503
    finally:
        stack.postgres_start()

    # Nothing to restart: the pools reconnect, the workers come back (Restart=always). The
    # first visitor after the database's return is served.
    assert stack.get("/user/eve/", timeout=10)[0] == 200
    stack.wait_ready()
    at_eve.goto(f"{stack.url}/")
    at_eve.get_by_label("Say something").fill("After the outage")
    at_eve.get_by_role("button", name="Post", exact=True).click()
    expect(at_eve.get_by_role("status").filter(has_text="Your post is now live!")).to_be_visible()
    bodies = stack.sql(
        "select body from posts_post join accounts_user u on u.id = author_id "
        "where u.username = 'eve' order by posts_post.id"
    ).splitlines()
    assert bodies == ["Before the outage", "After the outage"]
