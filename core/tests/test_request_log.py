"""The access log and the request id: what an operator reads in the logs, text or JSON."""

import io
import json
import logging

import pytest
from django.db import connection
from django.tasks import task
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core.logs import ContextFilter, JsonFormatter, TextFormatter
from posts.tests.factories import PostFactory

pytestmark = pytest.mark.django_db

NGINX_ID = "5d41402abc4b2a76b9719d911017c592"


@task
def noisy_task():
    """A task that logs a warning."""
    logging.getLogger("microblog.test").warning("inside the task")


class Logs:
    """What the site's log handler (the one LOGGING sends to stdout) writes during a test."""

    def __init__(self, handler):
        self.handler = handler
        self.stream = io.StringIO()

    def text(self) -> str:
        """Everything written, as text."""
        return self.stream.getvalue()

    def json(self) -> list[dict]:
        """Each line, parsed (fails if a line is not a JSON object)."""
        return [json.loads(line) for line in self.text().splitlines()]

    def access(self) -> list[dict]:
        """The access lines, parsed (JSON format)."""
        return [line for line in self.json() if line["logger"] == "core.request_log"]


@pytest.fixture(params=["text", "json"], ids=["text", "json"])
def logs(request):
    """The stdout handler writing into memory, in the format the test asks (JSON by default)."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, ContextFilter) for f in h.filters)
    )
    captured = Logs(handler)
    stream, formatter = handler.setStream(captured.stream), handler.formatter
    handler.setFormatter(TextFormatter() if request.param == "text" else JsonFormatter())
    yield captured
    handler.setStream(stream)
    handler.setFormatter(formatter)


json_logs = pytest.mark.parametrize("logs", ["json"], indirect=True)
text_logs = pytest.mark.parametrize("logs", ["text"], indirect=True)


@json_logs
def test_a_page_gets_one_access_line_with_its_fields(client, logs):
    PostFactory()
    response = client.get("/explore/?q=secret-token", REMOTE_ADDR="198.51.100.4")

    [line] = logs.access()
    assert line["request_id"] == response["X-Request-ID"]
    assert len(line["request_id"]) == 32
    assert line["level"] == "INFO"
    assert line["timestamp"].endswith("Z")
    assert {k: line[k] for k in ("method", "path", "status", "client", "member_id")} == {
        "method": "GET",
        "path": "/explore/",  # the query string is left out
        "status": 200,
        "client": "198.51.100.4",
        "member_id": None,
    }
    assert line["size"] == len(response.content)
    assert 0 < line["duration_ms"] < 10_000
    assert "secret-token" not in logs.text()


@json_logs
def test_an_api_call_names_its_member(api, user, logs):
    response = api.call("get", f"/api/users/{user.pk}")

    [line] = logs.access()
    assert (line["method"], line["path"], line["status"]) == ("GET", f"/api/users/{user.pk}", 200)
    assert line["member_id"] == user.pk
    assert line["size"] == len(response.content)
    assert line["request_id"] == response["X-Request-ID"]


@text_logs
def test_the_text_line(member_client, user, logs):
    response = member_client.get("/explore/")

    [line] = [line for line in logs.text().splitlines() if "core.request_log" in line]
    request_id = response["X-Request-ID"]
    assert f"INFO core.request_log [{request_id}]: GET /explore/ 200 " in line
    assert line.endswith(f" bytes client=127.0.0.1 member={user.pk}")


@json_logs
def test_a_path_cannot_forge_a_line_or_a_field(client, logs):
    client.get('/nowhere%0A2026-01-01 ERROR fake: "x"')

    [line] = logs.access()
    assert line["path"] == "/nowhere%0A2026-01-01%20ERROR%20fake:%20%22x%22"


@json_logs
def test_access_log_off_keeps_the_request_id(client, logs, settings):
    settings.ACCESS_LOG = False

    response = client.get("/healthz")

    assert logs.access() == []
    assert len(response["X-Request-ID"]) == 32


@json_logs
def test_a_client_cannot_choose_its_request_id_without_a_proxy_of_ours(client, logs, settings):
    settings.TRUSTED_PROXY_COUNT = 0

    response = client.get("/healthz", HTTP_X_REQUEST_ID=NGINX_ID)

    assert response["X-Request-ID"] != NGINX_ID
    assert logs.access()[0]["request_id"] == response["X-Request-ID"]


@json_logs
def test_our_proxys_request_id_and_client_address_are_used(client, logs, settings):
    # One environment variable sets both in production.
    settings.TRUSTED_PROXY_COUNT = 1
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"NUM_PROXIES": 1}

    response = client.get(
        "/healthz", HTTP_X_REQUEST_ID=NGINX_ID, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9"
    )

    assert response["X-Request-ID"] == NGINX_ID
    [line] = logs.access()
    assert (line["request_id"], line["client"]) == (NGINX_ID, "203.0.113.9")


@json_logs
@pytest.mark.parametrize(
    "sent", ["abc\ndef", "a" * 500, 'x", "level": "ERROR', "", "id with spaces"]
)
def test_a_malformed_request_id_is_replaced(client, logs, settings, sent):
    settings.TRUSTED_PROXY_COUNT = 1

    response = client.get("/healthz", HTTP_X_REQUEST_ID=sent)

    request_id = response["X-Request-ID"]
    assert request_id != sent
    assert len(request_id) == 32
    assert logs.access()[0]["request_id"] == request_id


@json_logs
def test_an_error_logs_its_traceback_with_the_request_id(client, logs, monkeypatch):
    def broken():
        raise RuntimeError('the "explore" query\nfailed')

    monkeypatch.setattr("posts.views.explore_posts", broken)
    client.raise_request_exception = False

    response = client.get("/explore/")

    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    [error] = [line for line in logs.json() if line["logger"] == "django.request"]
    assert error["level"] == "ERROR"
    assert error["request_id"] == request_id
    assert 'RuntimeError: the "explore" query\nfailed' in error["exception"]
    assert logs.access()[0]["status"] == 500


@json_logs
def test_a_client_error_is_not_logged_as_an_error(client, logs):
    response = client.get("/nowhere")

    assert response.status_code == 404
    assert [line["level"] for line in logs.json()] == ["INFO"]


@json_logs
def test_what_a_task_logs_carries_its_id(logs):
    result = noisy_task.enqueue()

    [line] = [line for line in logs.json() if line["message"] == "inside the task"]
    assert line["task_id"] == result.id
    assert line["request_id"] is None
    logging.getLogger("microblog.test").warning("after the task")
    assert "task_id" not in logs.json()[-1]


@json_logs
def test_the_log_line_costs_no_query(member_client, user, logs, settings):
    def queries(client):
        with CaptureQueriesContext(connection) as context:
            client.get("/explore/")
        return len(context)

    queries(member_client)  # the navbar's badge counts are cached from now on
    with_the_line = queries(member_client)
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "RequestLog" not in m]
    without = Client()  # a client loads the middleware once
    without.force_login(user)

    assert with_the_line == queries(without) == 2  # the member, posts
    assert len(logs.access()) == 2  # the last request ran without the middleware
    assert logs.access()[-1]["member_id"] == user.pk


@json_logs
def test_a_visitors_line_loads_no_one(client, logs, django_assert_num_queries):
    with django_assert_num_queries(0):
        client.get("/healthz")

    assert logs.access()[0]["member_id"] is None


def test_json_logs_are_one_object_per_line(run_settings, tmp_path):
    code = (
        "import django, logging; django.setup()\n"
        "from django.test import Client\n"
        "Client().get('/healthz', HTTP_X_REQUEST_ID='abc')\n"
        "try:\n"
        "    raise ValueError('bad\\nthings')\n"
        "except ValueError:\n"
        "    logging.getLogger('microblog').exception('a \"quoted\"\\nmessage')\n"
    )
    result = run_settings(
        code, LOG_FORMAT="json", ALLOWED_HOSTS="testserver", VAR_DIR=str(tmp_path)
    )

    assert result.returncode == 0, result.stderr
    access, error = (json.loads(line) for line in result.stdout.splitlines())
    assert access["path"] == "/healthz"
    assert access["request_id"] != "abc"  # no trusted proxy
    assert error["message"] == 'a "quoted"\nmessage'
    assert error["exception"].endswith("ValueError: bad\nthings")


def test_an_unknown_log_format_is_refused(run_settings, tmp_path):
    result = run_settings(LOG_FORMAT="bogus", VAR_DIR=str(tmp_path))

    assert result.returncode != 0
    assert "LOG_FORMAT must be one of text, json, not 'bogus'" in result.stderr


@json_logs
def test_one_time_keys_in_paths_are_not_logged(client, logs):
    client.get("/accounts/password/reset/key/1-dj2uqu-ee04c9c1783a/")
    client.get("/accounts/confirm-email/MQ:1w2e3r:abcdef/")

    paths = [line["path"] for line in logs.access()]
    assert paths == ["/accounts/password/reset/key/…/", "/accounts/confirm-email/…/"]
    assert "ee04c9c1783a" not in logs.text() and "abcdef" not in logs.text()
