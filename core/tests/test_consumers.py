"""The /cable WebSocket: strict about what clients send, honest about subscriptions, and
the pushes of core.live reaching sockets, from this process and from others."""

import asyncio
import json
import time
import uuid

import pytest
import redis.asyncio
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from uvicorn.protocols.utils import ClientDisconnected

from accounts.tests.factories import UserFactory
from conftest import database_url, run_with_settings
from core import consumers, layer_watch, live
from core.consumers import MAX_SUBSCRIPTIONS
from core.layer_settings import redis_channel_layer
from core.tests import cable as cable_module
from core.tests.cable import (
    cable_open,
    heard,
    identifier,
    in_thread,
    pushed,
    session_of,
    subscribe,
)
from microblog.asgi import application

# Channels closes old database connections around every message: a database must be there.
pytestmark = pytest.mark.django_db(transaction=True)

EXTRA_PARAMETER = json.dumps({"channel": "LiveChannel", "stream": "explore", "group": "member.1"})
TURBO_HELPER_CHANNEL = json.dumps(
    {"channel": "TurboStreamCableChannel", "signed_stream_name": "x:y"}
)
GARBAGE = [
    "not json",
    "[]",
    "42",
    '{"command": "subscribe"}',
    '{"command": "subscribe", "identifier": "not json"}',
    '{"command": "subscribe", "identifier": "[1]"}',
    json.dumps({"command": "subscribe", "identifier": json.dumps({"channel": "Nope"})}),
    json.dumps({"command": "explode", "identifier": identifier("explore")}),
    json.dumps({"command": "unsubscribe", "identifier": identifier("explore")}),
    "[" * 100_000 + "]" * 100_000,
    json.dumps({"command": "subscribe", "identifier": "[" * 100_000 + "]" * 100_000}),
    json.dumps({"command": [], "identifier": identifier("explore")}),
    json.dumps({"command": "subscribe", "identifier": json.dumps({"channel": []})}),
    json.dumps({"command": "subscribe", "identifier": identifier(["explore"])}),
    json.dumps({"command": "subscribe", "identifier": identifier({"explore": 1})}),
    json.dumps({"command": "subscribe", "identifier": EXTRA_PARAMETER}),
    # django-turbo-helper's own channel, with a name signed by its plain Signer: not served.
    json.dumps({"command": "subscribe", "identifier": TURBO_HELPER_CHANNEL}),
]
RECONNECT = {"type": "disconnect", "reason": "server_restart", "reconnect": True}


def push(group: str, html: str) -> None:
    """What core.live sends, outside any transaction (so at once)."""
    live.push_on_commit(groups=[group], render=lambda: html)


@pytest.mark.parametrize("frame", GARBAGE, ids=range(len(GARBAGE)))
def test_garbage_is_ignored_and_the_socket_stays_open(frame):
    async def run():
        cable = await cable_open()
        await cable.send_to(text_data=frame)
        await cable.send_to(bytes_data=b"\x00\xff binary")
        assert await heard(cable, timeout=0.3) is None  # no answer, no close
        assert await subscribe(cable, "explore") == "confirm_subscription"
        await cable.disconnect()

    async_to_sync(run)()


@pytest.mark.parametrize(
    "stream", ["nope", "explore:1", "profile:x", "profile:99999999", "profile:", "home", ""]
)
def test_unknown_or_not_allowed_streams_are_rejected_and_hear_nothing(stream):
    async def run():
        cable = await cable_open()
        assert await subscribe(cable, stream) == "reject_subscription"
        for group in ("explore", "profile.99999999", "home"):
            await get_channel_layer().group_send(
                group, {"type": "live.push", "group": group, "content": "x"}
            )
        assert await pushed(cable, timeout=0.3) is None
        await cable.disconnect()

    async_to_sync(run)()


def test_a_stream_hears_pushes_until_unsubscribed():
    async def run():
        cable = await cable_open()
        assert await subscribe(cable, "explore") == "confirm_subscription"
        await in_thread(push, "explore", "<p>hi</p>")
        assert await pushed(cable) == "<p>hi</p>"
        await cable.send_json_to({"command": "unsubscribe", "identifier": identifier("explore")})
        await in_thread(push, "explore", "<p>again</p>")
        assert await pushed(cable, timeout=0.5) is None
        await cable.disconnect()

    async_to_sync(run)()


def test_one_socket_holds_a_few_subscriptions_only():
    members = UserFactory.create_batch(MAX_SUBSCRIPTIONS + 1)

    async def run():
        cable = await cable_open()
        answers = [await subscribe(cable, f"profile:{member.pk}") for member in members]
        assert answers == ["confirm_subscription"] * MAX_SUBSCRIPTIONS + ["reject_subscription"]
        await cable.disconnect()

    async_to_sync(run)()


def test_a_stream_is_heard_once_per_socket_however_it_is_spelled():
    async def run():
        cable = await cable_open()
        assert await subscribe(cable, "explore") == "confirm_subscription"
        for spelled in (
            identifier("explore") + " ",  # another spelling of the same identifier
            json.dumps({"stream": "explore", "channel": "LiveChannel"}),
            json.dumps({"channel": "LiveChannel", "signed_stream_name": "x", "stream": "explore"}),
        ):
            await cable.send_json_to({"command": "subscribe", "identifier": spelled})
            answer = await heard(cable)
            assert answer == {"identifier": spelled, "type": "reject_subscription"}
        await in_thread(push, "explore", "<p>once</p>")
        assert await pushed(cable) == "<p>once</p>"
        assert await pushed(cable, timeout=0.3) is None
        await cable.disconnect()

    async_to_sync(run)()


def test_a_long_lived_socket_renews_its_groups(monkeypatch, settings):
    """Channel layers forget memberships after a day: the socket joins again before."""
    monkeypatch.setattr(consumers, "GROUPS_RENEWAL_SECONDS", 0.2)
    settings.LIVE_PING_SECONDS = 0.1

    async def run():
        layer = get_channel_layer()
        await layer.flush()  # memberships of sockets earlier tests left behind
        cable = await cable_open()
        assert await subscribe(cable, "explore") == "confirm_subscription"
        (channel,) = layer.groups["explore"]
        layer.groups["explore"][channel] = 0  # joined at the epoch: about to expire
        await heard(cable, timeout=0.5)
        assert layer.groups["explore"][channel] > time.time() - 5
        await cable.disconnect()

    async_to_sync(run)()


def test_a_socket_leaves_its_groups_when_it_closes():
    async def run():
        layer = get_channel_layer()
        await layer.flush()  # memberships of sockets earlier tests left behind
        cable = await cable_open()
        assert await subscribe(cable, "explore") == "confirm_subscription"
        assert layer.groups.get("explore")
        await cable.disconnect()
        await asyncio.sleep(0.1)  # the canary of core.layer_watch leaves with the last socket
        assert layer.groups == {}

    async_to_sync(run)()


def test_the_server_pings_within_proxies_idle_limits(settings):
    # Twice within Heroku's 55 s (nginx allows 60 s), and within ActionCable's 6 s.
    assert settings.LIVE_PING_SECONDS < 6
    settings.LIVE_PING_SECONDS = 0.2

    async def run():
        cable = await cable_open()
        frames = [await cable.receive_json_from(timeout=1) for _ in range(3)]
        assert [frame["type"] for frame in frames] == ["ping"] * 3
        await cable.disconnect()

    async_to_sync(run)()


@pytest.mark.parametrize(
    "origin",
    ["https://evil.example", "http://localhost.evil.example", "http://localhost:8001",
     "https://localhost", "null", ""],
)  # fmt: skip
def test_a_socket_from_another_origin_is_refused(origin):
    """Another site, or another port or scheme of this host (another origin all the same)."""

    async def run():
        with pytest.raises(AssertionError):
            await cable_open(origin=origin)

    async_to_sync(run)()


def test_behind_an_https_proxy_the_origin_is_https(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.CSRF_TRUSTED_ORIGINS = ["https://microblog.example"]

    async def run():
        for origin in ("https://localhost", "https://microblog.example"):
            cable = await cable_open(origin=origin, headers=[(b"x-forwarded-proto", b"https")])
            await cable.disconnect()
        with pytest.raises(AssertionError):
            await cable_open(origin="http://localhost", headers=[(b"x-forwarded-proto", b"https")])

    async_to_sync(run)()


def test_a_huge_frame_is_ignored():
    async def run():
        cable = await cable_open()
        name = identifier("x" * 100_000)
        await cable.send_json_to({"command": "subscribe", "identifier": name})
        assert await heard(cable, timeout=0.3) is None  # not even echoed back
        await cable.disconnect()

    async_to_sync(run)()


@pytest.fixture(params=["database", "redis"])
def layer(request, settings):
    """The embedded layer of `make run`, or Redis (as production runs) on this machine."""
    env = {"DATABASE_URL": database_url(), "SECRET_KEY": settings.SECRET_KEY}
    if request.param == "redis":
        redis_url = "redis://127.0.0.1:6379/15"
        prefix = f"microblog-tests-{uuid.uuid4().hex}"  # flushed alone by tests that flush
        settings.CHANNEL_LAYERS = {"default": redis_channel_layer(redis_url, prefix=prefix)}
        env |= {"REDIS_URL": redis_url, "LAYER_PREFIX": prefix}
    return env


def test_a_push_from_another_process_reaches_the_socket(layer):
    """The task worker and the other web processes push through the layer too."""
    code = (
        "import os, django; django.setup();"
        "from django.conf import settings; from core import live;"
        "os.environ.get('REDIS_URL') and settings.CHANNEL_LAYERS['default']['CONFIG'].update("
        "prefix=os.environ['LAYER_PREFIX']);"
        "live.push_on_commit(groups=['explore'], render=lambda: '<p>from afar</p>')"
    )

    async def run():
        cable = await cable_open()
        assert await subscribe(cable, "explore") == "confirm_subscription"
        done = await in_thread(run_with_settings, code, **layer)
        assert done.returncode == 0, done.stderr
        assert await pushed(cable, timeout=5) == "<p>from afar</p>"
        await cable.disconnect()

    async_to_sync(run)()


@pytest.fixture
def own_redis(settings, redis_server, monkeypatch):
    """The site's layer on a Redis of the test's own, watched often."""
    settings.CHANNEL_LAYERS = {"default": redis_channel_layer(redis_server.url)}
    monkeypatch.setattr(layer_watch, "WATCH_SECONDS", 0.2)
    monkeypatch.setattr(layer_watch, "RETRY_SECONDS", 0.2)
    settings.LIVE_PING_SECONDS = 0.1
    return redis_server


async def flush(redis_server) -> None:
    """What a Redis restart does to memberships; the layer's own connections are left alone,
    as when redis-py reconnects by itself and no socket hears of the restart."""
    client = redis.asyncio.Redis.from_url(redis_server.url)
    await client.flushall()
    await client.aclose()


def test_a_page_whose_groups_redis_forgot_is_asked_to_reconnect(own_redis):
    async def run():
        cable = await cable_open()
        assert await subscribe(cable, "explore") == "confirm_subscription"
        assert await heard(cable, timeout=1) is None  # rounds of the watch: nothing lost
        await flush(own_redis)
        assert await heard(cable, timeout=3) == RECONNECT
        assert await heard(cable) == {"type": "closed"}
        await cable.disconnect()
        cable = await cable_open()  # ActionCable's client, connecting again
        assert await subscribe(cable, "explore") == "confirm_subscription"
        await in_thread(push, "explore", "<p>heard again</p>")
        assert await pushed(cable, timeout=3) == "<p>heard again</p>"
        assert await heard(cable, timeout=1) is None
        await cable.disconnect()

    async_to_sync(run)()


def test_the_watch_renews_its_own_membership(own_redis, settings):
    """Layers forget memberships after group_expiry: the canary's is renewed, not lost."""
    settings.CHANNEL_LAYERS["default"]["CONFIG"]["group_expiry"] = 1

    async def run():
        cable = await cable_open()
        assert await heard(cable, timeout=2.5) is None  # no page asked to reconnect
        await cable.disconnect()

    async_to_sync(run)()


def test_a_page_left_open_while_redis_restarts_hears_pushes_again(own_redis):
    """Its groups died with Redis: the page reconnects (so it catches up), and pushes reach
    it again, the first one too (the pushing process's connections died as well)."""

    async def run():
        cable = await cable_open()
        assert await subscribe(cable, "explore") == "confirm_subscription"
        await in_thread(push, "explore", "<p>before</p>")
        assert await pushed(cable) == "<p>before</p>"
        await in_thread(own_redis.stop)
        await in_thread(own_redis.start)
        assert await heard(cable, timeout=5) == RECONNECT
        assert await heard(cable) == {"type": "closed"}
        cable = await cable_open()
        assert await subscribe(cable, "explore") == "confirm_subscription"
        await in_thread(push, "explore", "<p>after</p>")
        assert await pushed(cable) == "<p>after</p>"
        await cable.disconnect()

    async_to_sync(run)()


def test_a_socket_waiting_on_a_stopped_redis_is_closed_in_order(own_redis):
    """Not dropped with an error and left counted: closed as any other, its page told to
    reconnect (which it does once Redis is back)."""
    member = UserFactory()
    _client, key = session_of(member)

    async def run():
        cable = await cable_open(session_key=key)
        assert consumers.CableConsumer.client_sockets[("member", member.pk)] == 1
        await in_thread(own_redis.stop)
        assert await heard(cable, timeout=5) == RECONNECT
        assert await heard(cable) == {"type": "closed"}
        assert consumers.CableConsumer.client_sockets[("member", member.pk)] == 0
        await in_thread(own_redis.start)
        cable = await cable_open(session_key=key)
        assert await subscribe(cable, "explore") == "confirm_subscription"
        await cable.disconnect()

    async_to_sync(run)()


def test_a_socket_whose_client_vanished_mid_frame_is_counted_out(monkeypatch):
    """uvicorn raises ClientDisconnected when a frame goes to a client that is gone, and
    swallows it: the socket must still leave its groups and free its member's slot."""
    member = UserFactory()
    _client, key = session_of(member)
    gone = False

    async def vanishing(scope, receive, send):
        async def send_or_fail(message):
            if gone and message["type"] == "websocket.send":
                raise ClientDisconnected
            await send(message)

        await application(scope, receive, send_or_fail)

    monkeypatch.setattr(cable_module, "application", vanishing)

    async def run():
        nonlocal gone
        layer = get_channel_layer()
        await layer.flush()  # memberships of sockets earlier tests left behind
        for _ in range(consumers.MAX_CLIENT_SOCKETS + 1):
            cable = await cable_open(session_key=key)
            gone = True
            await cable.send_json_to({"command": "subscribe", "identifier": identifier("explore")})
            with pytest.raises(ClientDisconnected):
                await cable.receive_output(timeout=1)
            gone = False
            assert consumers.CableConsumer.client_sockets[("member", member.pk)] == 0
        assert not any(layer.groups.values())
        cable = await cable_open(session_key=key)  # not refused: no slot was lost
        await cable.disconnect()

    async_to_sync(run)()
