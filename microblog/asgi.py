"""ASGI entry point: HTTP goes to Django's WSGI handler in threads, WebSocket through Channels.

Django's own ASGI handler hops between the event loop and a thread for every synchronous
middleware and view: under `make bench` it served a fifth of what the same site does under
a WSGI server. Running the whole synchronous request in one thread (core.asgi.WSGIBridge)
keeps WSGI's speed, and WebSocket stays on the same port and process.
"""

import os

from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microblog.settings")
# Django must be set up before anything imports models.
django_wsgi_app = get_wsgi_application()

from django.conf import settings  # noqa: E402

from core.asgi import SameOriginWebSockets, SpreadConnections, WSGIBridge  # noqa: E402
from microblog.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": SpreadConnections(
            WSGIBridge(
                django_wsgi_app,
                threads=settings.WEB_THREADS,
                max_body=settings.REQUEST_MAX_BYTES,
            ),
            every=settings.WEB_CONNECTION_REQUESTS,
        ),
        "websocket": SameOriginWebSockets(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
