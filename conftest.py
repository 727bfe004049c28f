"""Shared test set-up: fast hashing, immediate tasks, media in a temporary folder, factories,
and an S3 server standing in for object storage."""

import base64
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings as django_settings
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from accounts.tests.factories import PASSWORD, UserFactory
from core.ratelimit import forget_local_counts
from deploy.stack import RedisServer, free_port
from messaging.models import Message, Notification
from messaging.services.messages import messages_bulk_create
from messaging.services.notifications import notification_create
from posts.tests.factories import PostFactory
from social.tests.factories import FollowFactory


def pytest_configure(config):
    """Tests keep their own cache: the site's is shared with anything else running here.
    A SQLite test database is a file, so that other processes (a server, a worker) can
    share it with transactional tests.

    Set before collection, since some test modules call the site while being collected.
    """
    from django.conf import settings

    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    if settings.SQLITE:
        from django.db import connections

        name = str(Path(tempfile.mkdtemp(prefix="microblog-tests-")) / "test.sqlite3")
        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = name
        connections["default"].settings_dict["TEST"]["NAME"] = name


def database_url() -> str:
    """The URL of the test database, for another process to use (DATABASE_URL)."""
    from django.db import connection

    db = connection.settings_dict
    if django_settings.SQLITE:
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Keep tests fast and hermetic (rate limits and fragments start afresh in every test)."""
    for alias in ("default", "fragments"):
        caches[alias].clear()
    forget_local_counts()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EXPLORE_CACHE_SECONDS = 0  # core/tests/test_page_cache.py turns it on
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        "private": {
            **settings.STORAGES["private"],
            "OPTIONS": {
                **settings.STORAGES["private"]["OPTIONS"],
                "location": tmp_path / "private",
            },
        },
    }


class ObjectStore:
    """moto's S3 server on 127.0.0.1, standing in for the paid object storage: it speaks
    S3's HTTP protocol and enforces what matters here: an object is readable without
    credentials or a signature only when the bucket policy or its ACL says so. `stop()`
    and `start()` make an outage; the buckets outlive it."""

    BUCKET = "microblog"

    def __init__(self):
        import boto3

        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.public_url = f"{self.endpoint}/{self.BUCKET}"
        self.client = boto3.client(
            "s3", endpoint_url=self.endpoint, region_name="us-east-1",
            aws_access_key_id="test", aws_secret_access_key="test",
        )  # fmt: skip
        self.server = None

    def start(self) -> None:
        """Serve (again) on the same port."""
        from moto.server import ThreadedMotoServer

        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self.server.start()

    def stop(self) -> None:
        """Stop answering: connections are refused."""
        self.server.stop()
        # stop() leaves the socket listening: connections would hang instead of failing.
        self.server._server.server_close()
        self.server = None

    def create_bucket(self) -> None:
        """The site's bucket, media/ readable by everyone (the README's bucket policy)."""
        self.client.create_bucket(Bucket=self.BUCKET)
        public_media = {
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{self.BUCKET}/media/*",
            }],
        }  # fmt: skip
        self.client.put_bucket_policy(Bucket=self.BUCKET, Policy=json.dumps(public_media))

    def keys(self, prefix: str = "") -> list[str]:
        """The keys in the bucket under `prefix`."""
        listing = self.client.list_objects_v2(Bucket=self.BUCKET, Prefix=prefix)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def fetch(self, url: str) -> tuple[int, dict, bytes]:
        """GET `url` as a browser would (no credentials): status, headers (lower-case
        names), body."""
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                status, headers, body = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, headers, body = error.code, error.headers, error.read()
        return status, {name.lower(): value for name, value in headers.items()}, body

    def storages(self) -> dict:
        """The site's "default" and "private" storages in this bucket, as settings.py
        makes them from the S3_* variables."""
        from microblog.settings import s3_storages

        return s3_storages(
            bucket=self.BUCKET, private_bucket=self.BUCKET, endpoint_url=self.endpoint,
            region="us-east-1", public_url=self.public_url, access_key="test",
            secret_key="test",
        )  # fmt: skip


@pytest.fixture
def object_store(settings):
    """The site's files in object storage (moto's S3 server, see ObjectStore): STORAGES
    overridden, which resets Django's storages and the private one (setting_changed)."""
    store = ObjectStore()
    store.start()
    store.create_bucket()
    settings.STORAGES = {**settings.STORAGES, **store.storages()}
    yield store
    if store.server is None:
        store.start()
    urllib.request.urlopen(
        urllib.request.Request(f"{store.endpoint}/moto-api/reset", method="POST"), timeout=10
    )
    store.stop()


@pytest.fixture(scope="module")
def replica_database(django_db_setup):
    """A "replica" database alias for one module's tests, as Django's test mirror of the
    default database: the same rows through a connection of its own.

    Added for that module only (and before its tests are set up: a module fixture comes
    first), since other tests would meet it (`manage.py check` asks every database).
    Nothing routes to it unless a test turns the router on.
    """
    from django.db import connections

    replica = copy.deepcopy(connections["default"].settings_dict)  # the test database's
    replica["TEST"]["MIRROR"] = "default"
    connections.settings["replica"] = replica
    yield
    # Pooled connections would keep the test database from going.
    drop_connections(connections["replica"])
    del connections["replica"]
    del connections.settings["replica"]


@pytest.fixture
def replica_down(monkeypatch):
    """The replica cannot be reached: its alias names a port nobody listens on (PostgreSQL)
    or a file in a folder that does not exist (SQLite)."""
    from django.db import connections

    from core.db_router import replica_breaker

    replica = connections["replica"]
    drop_connections(replica)
    if replica.vendor == "sqlite":
        monkeypatch.setitem(replica.settings_dict, "NAME", "/nonexistent/microblog.sqlite3")
    else:
        monkeypatch.setitem(replica.settings_dict, "PORT", str(free_port()))
        # The pool's wait for a connection: 1 s instead of 5, for the test's sake.
        pool = replica.settings_dict["OPTIONS"]["pool"] | {"timeout": 1}
        monkeypatch.setitem(replica.settings_dict["OPTIONS"], "pool", pool)
    # The process's memory of a failed replica, forgotten after the test.
    monkeypatch.setattr(replica_breaker, "open_until", replica_breaker.open_until)
    yield
    drop_connections(replica)


def drop_connections(database) -> None:
    """Close a database's connection and, on PostgreSQL, its pool."""
    database.close()
    if hasattr(database, "close_pool"):
        database.close_pool()


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory) -> Path:
    """The static files as production serves them (DEBUG off: hashed names and their
    manifest), collected from this checkout for the servers and commands tests start."""
    root = tmp_path_factory.mktemp("static")
    env = os.environ | {"STATIC_ROOT": str(root), "DEBUG": "false"}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=django_settings.BASE_DIR, env=env, check=True,
    )  # fmt: skip
    return root


@pytest.fixture
def user(db):
    """A member who was seen just now (so no last-seen write disturbs query counts)."""
    return UserFactory()


@pytest.fixture
def other_user(db):
    """Another member."""
    return UserFactory()


@pytest.fixture
def member_client(client, user):
    """A test client logged in as `user`."""
    client.force_login(user)
    return client


@pytest.fixture
def busy_user(db):
    """A member with many posts, followers and followed accounts who post too."""
    user = UserFactory()
    # Signing up records the address; without it allauth's page would create it on first view.
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    now = timezone.now()
    for _ in range(12):
        friend = UserFactory()
        FollowFactory(follower=user, followed=friend)
        follow = FollowFactory(follower=friend, followed=user)
        PostFactory(author=friend)
        PostFactory(author=user)
        # A conversation with every friend, read, and a notification of each follow.
        messages_bulk_create(
            messages=[
                Message(sender=user, recipient=friend, body="Hello!", read=now),
                Message(sender=friend, recipient=user, body="Hi, welcome.", read=now),
                Message(sender=user, recipient=friend, body="Thanks.", read=now),
            ]
        )
        notification_create(
            recipient=user, kind=Notification.Kind.FOLLOWER, key=f"follow:{follow.pk}",
            actor=friend,
        )  # fmt: skip
    return user


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Drive the system Chromium: Playwright must not download a browser here."""
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


class ApiClient:
    """JSON in and out, like the tutorial's clients (requests/httpie)."""

    def __init__(self, token: str | None = None):
        self.client = Client()
        self.token = token

    def headers(self, extra=None):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}
        return headers | (extra or {})

    def call(self, method, path, json_body=None, **extra):
        caller = getattr(self.client, method)
        if json_body is None:
            return caller(path, **self.headers(extra))
        return caller(
            path, json.dumps(json_body), content_type="application/json", **self.headers(extra)
        )


def basic_header(username, password):
    """The HTTP Basic Authorization header for the test client."""
    raw = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {raw}"}


@pytest.fixture
def api_client():
    """The API client class: api_client(token) calls the API with that token."""
    return ApiClient


@pytest.fixture
def basic():
    """basic(username, password): an HTTP Basic header for the test client."""
    return basic_header


@pytest.fixture
def get_token(db):
    """get_token(username, password=PASSWORD): a fresh API token from POST /api/tokens."""

    def get(username, password=PASSWORD) -> str:
        response = Client().post("/api/tokens", **basic_header(username, password))
        assert response.status_code == 200, response.content
        return response.json()["token"]

    return get


@pytest.fixture
def api(user, get_token):
    """An API client with a token of `user`."""
    return ApiClient(get_token(user.username))


def pytest_collection_modifyitems(items):
    """Browser tests last (the production stack's after them): Playwright's event loop
    stays in the thread once it has run."""
    items.sort(key=lambda item: (item.get_closest_marker("e2e") is not None)
               + 2 * (item.get_closest_marker("stack") is not None))  # fmt: skip


def run_with_settings(code="import django; django.setup(); print('started')", **env):
    """Run `code` in a fresh interpreter whose settings see only the given environment."""
    hidden = {
        "SECRET_KEY", "SECRET_KEY_FILE", "DEBUG", "DATABASE_URL", "REDIS_URL",
        "BEHIND_HTTPS_PROXY", "SECURE_HSTS_SECONDS",
    }  # fmt: skip
    environment = {k: v for k, v in os.environ.items() if k not in hidden}
    environment |= {"DJANGO_SETTINGS_MODULE": "microblog.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
        check=False,
    )


@pytest.fixture
def run_settings(tmp_path):
    """run_settings(code, **env): run code in a process with that environment (a
    throwaway secret key file unless the environment names a key)."""

    def run(code="import django; django.setup(); print('started')", **env):
        env.setdefault("SECRET_KEY_FILE", str(tmp_path / "secret_key"))
        return run_with_settings(code, **env)

    return run


@pytest.fixture
def setting_with(run_settings):
    """setting_with(name, **env): the repr of a setting in a process with that environment."""

    def read(name, **env) -> str:
        code = (
            "import django; django.setup(); from django.conf import settings; "
            f"print(repr(settings.{name}))"
        )
        result = run_settings(code, **env)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    return read


@pytest.fixture(params=["microsoft", "deepl", "libretranslate"])
def translator_service(request, settings):
    """A stand-in for each paid translation service (core/tests/translator_standins.py), set
    as the site's TRANSLATOR_URL."""
    from core.tests.translator_standins import start

    stand_in, server = start(request.param)
    settings.TRANSLATOR_URL = stand_in.url
    yield stand_in
    server.shutdown()
    server.server_close()


@pytest.fixture
def redis_server(tmp_path):
    """A redis-server of the test's own on a spare port: to stop and start in the middle."""
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    server = RedisServer(port=free_port(), log=tmp_path / "redis.log")
    server.start()
    yield server
    server.stop()
