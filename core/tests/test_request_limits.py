"""Oversized request bodies are refused (413) before they are read, through the site's server."""

import asyncio
import json

import pytest
from asgiref.sync import async_to_sync
from django.test import Client

pytestmark = pytest.mark.django_db(transaction=True)

HUNDRED_MB = 100 * 1024 * 1024


class ReadTracker:
    """An ASGI `receive` that hands out the body in 64 KB chunks and counts what was read."""

    def __init__(self, total: int):
        self.total, self.sent = total, 0

    async def __call__(self):
        if self.sent >= self.total:  # the client waits for the answer
            await asyncio.sleep(60)
            return {"type": "http.disconnect"}
        chunk = min(65536, self.total - self.sent)
        self.sent += chunk
        return {"type": "http.request", "body": b"x" * chunk, "more_body": self.sent < self.total}


def asgi_post(path: str, size: int, *, declare: bool):
    """POST `size` bytes to the site's ASGI application; (status, headers, body, bytes read)."""
    from microblog.asgi import application

    headers = [(b"host", b"localhost"), (b"content-type", b"application/json")]
    if declare:
        headers.append((b"content-length", str(size).encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 5000),
        "server": ("localhost", 80),
    }
    receive = ReadTracker(size)
    sent = []

    async def send(message):
        sent.append(message)

    async_to_sync(application)(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    headers = {name.decode().lower(): value.decode() for name, value in start["headers"]}
    return start["status"], headers, body, receive.sent


def test_asgi_refuses_a_declared_100_mb_body_without_reading_it():
    status, headers, body, read = asgi_post("/api/posts", HUNDRED_MB, declare=True)
    assert status == 413
    assert json.loads(body)["error"] == "Content Too Large"
    assert read == 0
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"


def test_asgi_never_reads_a_body_of_undeclared_length():
    # Django reads as far as the declared length: a streamed body is not read at all.
    status, _headers, _body, read = asgi_post("/api/posts", HUNDRED_MB, declare=False)
    assert status == 401
    assert read == 0


def test_wsgi_refuses_a_declared_oversized_body(settings):
    response = Client().post(
        "/api/posts",
        data=b"{}",
        content_type="application/json",
        CONTENT_LENGTH=str(settings.REQUEST_MAX_BYTES + 1),
    )
    assert response.status_code == 413
    assert response.json()["error"] == "Content Too Large"


def test_a_normal_request_passes(settings):
    status, _headers, _body, _read = asgi_post("/api/posts", 100, declare=True)
    assert status == 401  # reached the API, which wants a token
