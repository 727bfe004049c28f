"""WebSocket routes: /cable speaks the ActionCable protocol that Turbo Streams use; other
paths are refused."""

from actioncable import ActionCableConsumer, cable_channel_register
from django.urls import path, re_path
from turbo_helper.channels.streams_channel import TurboStreamCableChannel

from core.consumers import RefuseConsumer

cable_channel_register(TurboStreamCableChannel)

websocket_urlpatterns = [
    path("cable", ActionCableConsumer.as_asgi()),
    re_path("", RefuseConsumer.as_asgi()),  # any other path: refused, not a 500
]
