"""The Redis channel layer as the site configures it: settings and tests share it."""

from redis.asyncio.retry import Retry
from redis.backoff import EqualJitterBackoff


def redis_channel_layer(url: str, *, prefix: str = "asgi") -> dict:
    """CHANNEL_LAYERS["default"] for the Redis server at `url`."""
    return {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        # A dead Redis fails a push at once (pages catch up when they reconnect). No read
        # timeout: the layer's receive blocks for 5 s, redis-py 8's default timeout (see
        # channels_redis 4.3.1's changelog). A thousand pages reconnecting together join
        # and leave groups at once: redis-py refuses commands over its pool's limit.
        # After a restart of Redis, the connections kept in the pools are closed: a command
        # on one connects again (without this, the first push after a restart was lost).
        "CONFIG": {
            "hosts": [
                {
                    "address": url,
                    "socket_connect_timeout": 0.5,
                    "socket_timeout": None,
                    "max_connections": 1000,
                    "retry": Retry(EqualJitterBackoff(cap=0.5, base=0.1), retries=2),
                }
            ],
            # All the sockets of a web process share one list in Redis: the default
            # (100 messages waiting) dropped pushes when many arrived at once.
            "capacity": 5000,
            "prefix": prefix,
        },
    }
