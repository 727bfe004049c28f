"""The /cable WebSocket: strict about what clients send, honest about subscriptions."""

import json

import pytest
from actioncable import cable_channel_register
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from turbo_helper.channels.stream_name import generate_signed_stream_key
from turbo_helper.channels.streams_channel import TurboStreamCableChannel

from core.consumers import MAX_SUBSCRIPTIONS, CableConsumer

# Channels closes old database connections around every message: a database must be there.
pytestmark = pytest.mark.django_db(transaction=True)

CHANNEL = "TurboStreamCableChannel"  # the name turbo_stream_from gives its sources
cable_channel_register(TurboStreamCableChannel)  # as microblog.routing does


def identifier(**params) -> str:
    return json.dumps({"channel": CHANNEL, **params})


async def connected() -> WebsocketCommunicator:
    cable = WebsocketCommunicator(
        CableConsumer.as_asgi(), "/cable", subprotocols=["actioncable-v1-json"]
    )
    accepted, _protocol = await cable.connect()
    assert accepted
    assert await cable.receive_json_from() == {"type": "welcome"}
    return cable


GARBAGE = [
    "not json",
    "[]",
    "42",
    '{"command": "subscribe"}',
    '{"command": "subscribe", "identifier": "not json"}',
    '{"command": "subscribe", "identifier": "[1]"}',
    json.dumps({"command": "subscribe", "identifier": json.dumps({"channel": "Nope"})}),
    json.dumps({"command": "explode", "identifier": identifier(signed_stream_name="x")}),
    json.dumps({"command": "unsubscribe", "identifier": identifier(signed_stream_name="x")}),
    json.dumps({"command": "subscribe", "identifier": identifier()}),
    "[" * 100_000 + "]" * 100_000,
    json.dumps({"command": "subscribe", "identifier": "[" * 100_000 + "]" * 100_000}),
    json.dumps({"command": [], "identifier": identifier(signed_stream_name="x")}),
    json.dumps({"command": "subscribe", "identifier": json.dumps({"channel": []})}),
    json.dumps({"command": "subscribe", "identifier": identifier(signed_stream_name=[":"])}),
    json.dumps({"command": "subscribe", "identifier": identifier(signed_stream_name={":": 1})}),
    json.dumps({"command": "subscribe", "identifier": identifier(signed_stream_name="x", n=1)}),
]


@pytest.mark.parametrize("frame", GARBAGE, ids=range(len(GARBAGE)))
def test_garbage_is_ignored_and_the_socket_stays_open(frame):
    async def run():
        cable = await connected()
        await cable.send_to(text_data=frame)
        await cable.send_to(bytes_data=b"\x00\xff binary")
        # Still open and answering: a valid subscription is confirmed.
        name = generate_signed_stream_key("explore")
        await cable.send_json_to(
            {"command": "subscribe", "identifier": identifier(signed_stream_name=name)}
        )
        answers = [await cable.receive_json_from(timeout=2)]
        if answers[0]["type"] != "confirm_subscription":  # a subscription without a stream
            answers.append(await cable.receive_json_from(timeout=2))
        assert [answer["type"] for answer in answers[:-1]] in ([], ["reject_subscription"])
        assert answers[-1]["type"] == "confirm_subscription"
        await cable.disconnect()

    async_to_sync(run)()


def test_a_forged_stream_name_is_rejected_and_hears_nothing():
    async def run():
        cable = await connected()
        forged = identifier(signed_stream_name="explore:forged-signature")
        await cable.send_json_to({"command": "subscribe", "identifier": forged})
        answer = await cable.receive_json_from(timeout=2)
        assert answer["type"] == "reject_subscription"
        await get_channel_layer().group_send(
            "explore", {"type": "action_cable_message", "group": "explore", "message": "x"}
        )
        assert await cable.receive_nothing(timeout=0.2)
        await cable.disconnect()

    async_to_sync(run)()


def test_a_signed_stream_is_confirmed_and_receives():
    async def run():
        cable = await connected()
        name = identifier(signed_stream_name=generate_signed_stream_key("explore"))
        await cable.send_json_to({"command": "subscribe", "identifier": name})
        assert (await cable.receive_json_from(timeout=2))["type"] == "confirm_subscription"
        await get_channel_layer().group_send(
            "explore", {"type": "action_cable_message", "group": "explore", "message": "<p>hi</p>"}
        )
        assert (await cable.receive_json_from(timeout=2))["message"] == "<p>hi</p>"
        await cable.send_json_to({"command": "unsubscribe", "identifier": name})
        await get_channel_layer().group_send(
            "explore", {"type": "action_cable_message", "group": "explore", "message": "again"}
        )
        assert await cable.receive_nothing(timeout=0.2)
        await cable.disconnect()

    async_to_sync(run)()


def test_one_socket_holds_a_few_subscriptions_only():
    async def run():
        cable = await connected()
        name = generate_signed_stream_key("explore")
        for number in range(MAX_SUBSCRIPTIONS + 1):
            # The same stream under other spellings of the identifier (key order, spaces).
            spelled = identifier(signed_stream_name=name) + " " * number
            await cable.send_json_to({"command": "subscribe", "identifier": spelled})
            answer = await cable.receive_json_from(timeout=2)
            assert answer["identifier"] == spelled  # the client's own string, as sent
        assert answer["type"] == "reject_subscription"
        await cable.disconnect()

    async_to_sync(run)()
