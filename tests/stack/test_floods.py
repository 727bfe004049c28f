"""A flood of live connections from one address, through nginx on the production stack."""

import json
from contextlib import ExitStack

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from core.consumers import MAX_CLIENT_SOCKETS

pytestmark = pytest.mark.stack


def test_one_address_floods_the_live_endpoint_in_vain(stack):
    """nginx answers 429 past MAX_CLIENT_SOCKETS sockets from one address (each open one
    holds a process's memory and a file); pages keep answering; a closed one frees a place."""
    url = stack.url.replace("http://", "ws://") + "/cable"

    def cable():
        return connect(url, origin=stack.url, subprotocols=["actioncable-v1-json"], open_timeout=10)

    with ExitStack() as flood:
        sockets = []
        with pytest.raises(InvalidStatus) as refused:
            for _ in range(MAX_CLIENT_SOCKETS + 1):  # pages of other tests may hold a few
                sockets.append(flood.enter_context(cable()))
        assert refused.value.response.status_code == 429
        assert 0 < len(sockets) <= MAX_CLIENT_SOCKETS
        assert stack.get("/explore/")[0] == 200
        sockets[-1].close()
        with cable() as again:
            assert json.loads(again.recv(timeout=10)) == {"type": "welcome"}
