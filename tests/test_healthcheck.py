"""scripts/healthcheck, the containers' health check, against a real server on a unix
socket (as deploy/compose.yaml runs it) and a worker's broken database."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)
CHECK = [sys.executable, str(ROOT / "scripts" / "healthcheck")]


def environment(workdir: Path, **extra) -> dict:
    """A production-like environment on a fresh SQLite database under workdir."""
    hidden = {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    return {key: value for key, value in os.environ.items() if key not in hidden} | {
        "DEBUG": "false",
        "SECRET_KEY_FILE": str(workdir / "secret_key"),
        "DATABASE_URL": f"sqlite:///{workdir}/db.sqlite3",
        **extra,
    }


@pytest.fixture(scope="module")
def socket_server(tmp_path_factory, collected_static):
    """The site on a unix socket, answering only microblog.example.com; yields its env."""
    workdir = tmp_path_factory.mktemp("socket")
    env = environment(
        workdir,
        SOCKET=str(workdir / "web.sock"),
        ALLOWED_HOSTS=".microblog.example.com",
        STATIC_ROOT=str(collected_static),  # error pages link hashed static files
    )
    command = [str(ROOT / ".venv" / "bin" / "uvicorn"), "microblog.asgi:application"]
    process = subprocess.Popen(
        [*command, "--uds", env["SOCKET"], "--no-access-log"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        # The socket file appears at bind(), a moment before the server listens.
        for _ in range(600):
            with socket.socket(socket.AF_UNIX) as probe:
                try:
                    probe.connect(env["SOCKET"])
                    break
                except OSError:
                    time.sleep(0.05)
        yield env
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def run(env: dict, *arguments: str) -> subprocess.CompletedProcess:
    """Run the health check with that environment."""
    return subprocess.run(
        [*CHECK, *arguments], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def test_a_server_on_its_socket_is_healthy(socket_server):
    """/healthz through the socket, with a Host the site allows (not 127.0.0.1)."""
    result = run(socket_server)
    assert (result.returncode, result.stderr) == (0, "")


def test_a_host_the_site_refuses_is_unhealthy(socket_server):
    """Django answers 400 to a Host outside ALLOWED_HOSTS: the check must send one inside."""
    result = run(socket_server | {"ALLOWED_HOSTS": "localhost"})
    assert result.returncode == 1
    assert "/healthz answered 400" in result.stderr


def test_no_server_is_unhealthy(tmp_path):
    """Nothing listening on the socket: unhealthy, saying why."""
    result = run(environment(tmp_path, SOCKET=str(tmp_path / "none.sock")))
    assert result.returncode == 1
    assert "unhealthy: /healthz:" in result.stderr


def test_a_worker_without_its_tables_is_unhealthy(tmp_path):
    """--worker asks the database and the queue: a database without the tables fails."""
    result = run(environment(tmp_path), "--worker")
    assert result.returncode == 1
    assert "unhealthy: task_queue:" in result.stderr


@pytest.mark.skipif(settings.SQLITE, reason="PostgreSQL's connection pool")
@pytest.mark.django_db
def test_a_worker_on_postgresql_is_healthy(tmp_path):
    """A new process asks the database before anything else opened its pool."""
    database = connection.settings_dict
    url = (f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
           f"/{database['NAME']}")  # fmt: skip
    result = run(environment(tmp_path, DATABASE_URL=url), "--worker")
    assert (result.returncode, result.stderr) == (0, "")
