"""WSGI entry point, for servers without ASGI (no WebSocket there)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microblog.settings")
application = get_wsgi_application()
