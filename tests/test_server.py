"""The production server (`scripts/serve`, as `make run` starts it), over real sockets."""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from deploy.stack import free_port, wait_port

ROOT = Path(settings.BASE_DIR)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Two server processes on a fresh SQLite database, logging JSON; yields (port, path of
    its log)."""
    workdir = tmp_path_factory.mktemp("served")
    port = free_port()
    hidden = {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    env = {key: value for key, value in os.environ.items() if key not in hidden} | {
        "DEBUG": "false",
        "SECRET_KEY_FILE": str(workdir / "secret_key"),
        "DATABASE_URL": f"sqlite:///{workdir}/db.sqlite3",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "WEB_CONNECTION_REQUESTS": "3",
        "LOG_FORMAT": "json",
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    log = workdir / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(ROOT / "scripts" / "serve")], cwd=ROOT, env=env, stdout=output,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        wait_port(port, timeout=10)
        time.sleep(0.5)  # the second process too
        yield port, log
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def request(port: int, method: str, path: str, body: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Content-Type": "application/json"} if body is not None else {}
    connection.request(method, path, body=json.dumps(body) if body else None, headers=headers)
    response = connection.getresponse()
    return response.status, response.read()


def test_http_and_websocket_share_one_port(server):
    port, _log = server
    assert request(port, "GET", "/")[0] == 302
    with connect(f"ws://127.0.0.1:{port}/cable", origin=f"http://127.0.0.1:{port}",
                 subprotocols=["actioncable-v1-json"]) as cable:  # fmt: skip
        assert json.loads(cable.recv(timeout=10)) == {"type": "welcome"}


def test_a_posted_body_reaches_django(server):
    port, _log = server
    status, body = request(port, "POST", "/api/users", {"username": "ann"})
    assert status == 400
    assert set(json.loads(body)["fields"]) == {"email", "password"}  # it read the username


def test_with_log_format_json_every_line_is_a_json_object_uvicorns_too(server):
    port, log = server
    assert request(port, "GET", "/healthz")[0] == 200
    time.sleep(0.2)
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert any(
        record["logger"].startswith("uvicorn")
        and record["message"].startswith("Started server process")
        for record in records
    )
    assert any(record.get("path") == "/healthz" and record["request_id"] for record in records)


def test_keep_alive_connections_are_closed_now_and_then(server):
    port, _log = server
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    closed_after = None
    for number in range(1, 4):  # every third response of a process closes
        connection.request("GET", "/")
        response = connection.getresponse()
        response.read()
        if response.getheader("Connection") == "close":
            closed_after = number
            break
    assert closed_after is not None


def test_disconnects_404s_and_unknown_websockets_leave_the_log_clean(server):
    port, log = server
    for _ in range(30):
        with socket.create_connection(("127.0.0.1", port)) as client:
            client.sendall(b"GET /api/explore HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    with socket.create_connection(("127.0.0.1", port)) as client:  # leaves mid-body
        client.sendall(b"POST /api/posts HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       b"Content-Length: 100\r\n\r\n{\"body\": ")  # fmt: skip
    with pytest.raises(InvalidStatus) as refused:
        connect(f"ws://127.0.0.1:{port}/elsewhere", origin=f"http://127.0.0.1:{port}")
    assert refused.value.response.status_code == 403
    with connect(f"ws://127.0.0.1:{port}/cable", origin=f"http://127.0.0.1:{port}",
                 subprotocols=["actioncable-v1-json"]) as cable:  # fmt: skip
        assert json.loads(cable.recv(timeout=10)) == {"type": "welcome"}
        cable.send("{not json")  # garbage, then a binary frame: ignored, the socket stays
        cable.send(b"\x00\xff")
        cable.send(json.dumps({"command": "subscribe", "identifier": '{"channel": 1}'}))
        anonymous = json.dumps({"channel": "LiveChannel", "stream": "member"})
        cable.send(json.dumps({"command": "subscribe", "identifier": anonymous}))
        answer = {"type": "ping"}
        while answer["type"] == "ping":  # the server pings every few seconds
            answer = json.loads(cable.recv(timeout=10))
        assert answer == {"identifier": anonymous, "type": "reject_subscription"}
    assert request(port, "GET", "/api/no-such-thing")[0] == 404
    assert request(port, "GET", "/")[0] == 302
    time.sleep(0.5)
    written = log.read_text()
    assert "Traceback" not in written
    assert "ERROR" not in written
    assert "Not Found" not in written
