"""A database that cannot be reached (stopped, restarting, every pooled connection waited for
in vain) is a 503 that says so and when to come back, never a 500: from a view, from a
middleware, for pages and for the API. The real outage (PostgreSQL stopped under the running
site) is tests/stack/test_faults.py's."""

from unittest import mock

import psycopg
import pytest
from django.conf import settings
from django.db import OperationalError, connection

from core.db import is_database_busy, is_database_unavailable

pytestmark = pytest.mark.django_db

# What psycopg, its pool and SQLite said in outages on this machine.
OUTAGES = [
    'connection failed: connection to server at "127.0.0.1", port 5432 failed: '
    "Connection refused\n\tIs the server running on that host?",
    "terminating connection due to administrator command",
    "couldn't get a connection after 10.00 sec",
    "the database system is shutting down",
    "unable to open database file",
]


@pytest.mark.parametrize("text", OUTAGES)
def test_outages_are_unavailable_not_busy(text):
    assert is_database_unavailable(OperationalError(text))
    assert not is_database_busy(OperationalError(text))


@pytest.mark.parametrize(
    "error", [OperationalError("no such table: posts_post"), ValueError("connection failed")]
)
def test_other_errors_are_not(error):
    assert not is_database_unavailable(error)


def outage():
    return OperationalError(OUTAGES[0])


def test_a_page_says_the_database_cannot_be_reached(client):
    with mock.patch("posts.views.explore_posts", side_effect=outage()):
        response = client.get("/explore/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "cannot reach its database" in response.content.decode()


def test_the_api_says_so_in_json(api):
    with mock.patch("posts.api.explore_posts", side_effect=outage()):
        response = api.call("get", "/api/explore")
    assert response.status_code == 503
    assert "cannot reach its database" in response.json()["message"]


def test_a_failure_in_a_middleware_is_a_503_too(client):
    client.raise_request_exception = False
    with mock.patch("core.middleware.body_too_large", side_effect=outage()):
        response = client.get("/explore/")
    assert response.status_code == 503
    assert "cannot reach its database" in response.content.decode()


def test_other_failures_stay_500s(client):
    client.raise_request_exception = False
    bug = OperationalError("no such table: posts_post")
    with mock.patch("core.middleware.body_too_large", side_effect=bug):
        response = client.get("/explore/")
    assert response.status_code == 500


def test_an_outage_does_not_mail_the_admins_once_per_request(client, settings, mailoutbox):
    settings.ADMINS = ["ops@example.com"]
    client.raise_request_exception = False
    with mock.patch("posts.views.explore_posts", side_effect=outage()):
        assert client.get("/explore/").status_code == 503
    assert mailoutbox == []
    with mock.patch("posts.views.explore_posts", side_effect=OperationalError("no such table")):
        assert client.get("/explore/").status_code == 500
    assert [message.to for message in mailoutbox] == [["ops@example.com"]]


def test_the_page_speaks_the_readers_language_even_before_it_was_chosen(client):
    client.raise_request_exception = False
    with mock.patch("core.middleware.body_too_large", side_effect=outage()):
        response = client.get("/explore/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 503
    assert "no puede acceder a su base de datos" in response.content.decode()


@pytest.mark.skipif(settings.SQLITE, reason="PostgreSQL's connection pool")
@pytest.mark.django_db(transaction=True)
def test_pooled_connections_cut_by_a_database_restart_fail_no_request(client):
    """A restart of PostgreSQL cuts every pooled connection: they are checked as they leave
    the pool and replaced, instead of failing visitors' requests with a 503."""
    assert client.get("/explore/").status_code == 200
    connection.close()
    busy_moment = [connection.pool.getconn() for _ in range(4)]
    for idle in busy_moment:  # four connections wait in the pool
        connection.pool.putconn(idle)
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        # What a restart does to every connection but this one, and, as a restart does
        # before it lets anyone in, waits (up to 5 s) until their server processes are gone.
        other.execute(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    try:
        for _ in range(3):
            assert client.get("/explore/").status_code == 200
    finally:
        connection.close()  # a cut connection left here would fail the next tests' teardown
