"""The cache fails soft: with Redis dead the site keeps answering, and recovers by itself.

These tests run a real redis-server of their own on a spare port, stop it in the middle
and start it again.
"""

import asyncio
import os
import signal

import pytest
from django.core.cache import cache, caches
from django.db import transaction
from django.urls import reverse

from accounts.tests.factories import PASSWORD
from core.cache import CACHE_REST_SECONDS, FailSoftMixin, FailSoftRedisCache
from core.ratelimit import RateLimited, rate_limit

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis(settings, redis_server, monkeypatch):
    """The cache on a Redis of the test's own, which this process has not seen fail yet."""
    settings.CACHES = settings.CACHES | {
        "default": {
            "BACKEND": "core.cache.FailSoftRedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    monkeypatch.setattr(FailSoftRedisCache.breaker, "open_until", 0.0)
    monkeypatch.setattr(FailSoftMixin, "_down", False)
    return redis_server


def time_passes() -> None:
    """As if CACHE_REST_SECONDS went by: the process asks Redis again."""
    FailSoftRedisCache.breaker.open_until -= CACHE_REST_SECONDS


def test_login_pages_and_the_api_survive_a_redis_outage(redis, client, user, basic, caplog):
    redis.stop()
    response = client.post(reverse("account_login"), {"login": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert client.post(reverse("home"), {"body": "posted while Redis was down"}).status_code == 302
    token = client.post("/api/tokens", **basic(user.username, PASSWORD))
    assert token.status_code == 200
    api = client.get("/api/explore", HTTP_AUTHORIZATION=f"Bearer {token.json()['token']}")
    assert api.status_code == 200
    outage_logs = [r for r in caplog.records if "cache is unavailable" in r.getMessage()]
    assert len(outage_logs) == 1  # logged once, not once per call


def test_a_redis_that_does_not_answer_costs_one_timeout_not_one_per_call(
    redis, client, user, monkeypatch, caplog
):
    """Frozen, Redis accepts connections and answers nothing: each call would wait out its
    0.5 s timeout, and a page makes a dozen (a login took 12 s, every page 2 s)."""
    asked = []

    def counted(self, name, *args, **kwargs):
        asked.append(name)
        return FailSoftMixin._call(self, name, *args, **kwargs)

    monkeypatch.setattr(FailSoftRedisCache, "_call", counted)
    redis.kill(signal.SIGSTOP)
    try:
        login = {"login": user.username, "password": PASSWORD}
        assert client.post(reverse("account_login"), login).status_code == 302
        assert client.get(reverse("home")).status_code == 200
        assert client.post(reverse("home"), {"body": "posted while Redis froze"}).status_code == 302
        assert client.get(reverse("explore")).status_code == 200
        assert len(asked) == 1
    finally:
        redis.kill(signal.SIGCONT)
    time_passes()
    assert client.get(reverse("explore")).status_code == 200
    assert len(asked) > 1  # asked again, and answered
    messages = [r.getMessage() for r in caplog.records if r.name == "core.cache"]
    assert messages[0].startswith("The cache is unavailable")
    assert messages[1:] == ["The cache is available again."]


def test_limits_come_back_with_redis(redis, settings):
    redis.stop()
    for _ in range(5):
        rate_limit(scope="test", key=1, rate="2/minute")  # fails open
    redis.start()
    time_passes()
    cache.set("probe", 1)
    assert cache.get("probe") == 1
    rate_limit(scope="test", key=2, rate="2/minute")
    rate_limit(scope="test", key=2, rate="2/minute")
    with pytest.raises(RateLimited):
        rate_limit(scope="test", key=2, rate="2/minute")


@pytest.mark.django_db
def test_a_failing_database_cache_never_breaks_the_transaction_around_it(settings, user):
    """On PostgreSQL a failed query aborts the transaction: the cache's runs in a savepoint."""
    settings.CACHES = {
        **settings.CACHES,
        "broken": {"BACKEND": "core.cache.FailSoftDatabaseCache", "LOCATION": "no_such_table"},
    }
    broken = caches["broken"]
    with transaction.atomic():
        assert broken.get("anything", "default") == "default"
        broken.set("anything", "value")
        user.refresh_from_db()  # the transaction still works
        user.about_me = "Still here"
        user.save()
    user.refresh_from_db()
    assert user.about_me == "Still here"


@pytest.mark.parametrize(
    ("backend", "location"),
    [
        ("core.cache.FailSoftDiskCache", "{tmp_path}"),
        ("core.cache.FailSoftRedisCache", "redis://127.0.0.1:1/0"),
    ],
)
def test_the_backends_of_a_process_share_one_client(
    settings, tmp_path, monkeypatch, backend, location
):
    """Django makes a backend per thread and per asyncio task (each WebSocket is one): each
    opened connections of its own (diskcache: one file per shard, 17 a socket, kept until
    the garbage collector ran; 200 sockets held 3,400 files)."""
    settings.CACHES = settings.CACHES | {
        "shared": {"BACKEND": backend, "LOCATION": location.format(tmp_path=tmp_path)}
    }
    monkeypatch.setattr(FailSoftRedisCache.breaker, "open_until", 0.0)  # nothing listens
    monkeypatch.setattr(FailSoftMixin, "_down", False)

    async def in_tasks(count: int) -> list:
        async def one():
            return caches["shared"]

        return await asyncio.gather(*(asyncio.create_task(one()) for _ in range(count)))

    first = asyncio.run(in_tasks(1))[0]
    first.get("warm")  # the first backend's connections, opened
    files = len(os.listdir("/proc/self/fd"))
    backends = asyncio.run(in_tasks(50))
    assert len({id(made) for made in backends}) == 50  # Django's doing
    assert {id(made._cache) for made in backends} == {id(first._cache)}
    for made in backends:
        made.get("warm")
    assert len(os.listdir("/proc/self/fd")) <= files + 1
