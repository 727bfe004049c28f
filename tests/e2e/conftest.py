"""Browser tests: Playwright's sync API runs an event loop, and the tests also use the ORM."""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
