"""WebSocket routes: /cable speaks the ActionCable protocol that Turbo Streams use; other
paths are refused."""

from actioncable import cable_channel_register
from django.urls import path, re_path
from turbo_helper.channels.streams_channel import TurboStreamCableChannel

from core.consumers import CableConsumer, RefuseConsumer

cable_channel_register(TurboStreamCableChannel)

websocket_urlpatterns = [
    path("cable", CableConsumer.as_asgi()),
    re_path("", RefuseConsumer.as_asgi()),  # any other path: refused, not a 500
]
