"""Whole pages kept in the shared cache for a few seconds, for visitors only.

A visitor's page differs from another visitor's only by its language, its time zone and
the CSRF token of its forms: its first page (no query string) is kept under its name,
language and zone, and a version that writes move on (after their commit), with its tokens
taken out; each visitor gets their own token put back in. Members' pages (names, badges,
buttons) and pages with a message to show are never kept.
"""

import re
from collections.abc import Callable
from functools import partial

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

from core.cache import counter_incr

TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
PLACEHOLDER = r"\g<1>__csrf_token__\g<2>"


def _version_key(name: str) -> str:
    return f"page:{name}:version"


def visitor_page(request, *, name: str, seconds: int,
                 render: Callable[[], HttpResponse]) -> HttpResponse:  # fmt: skip
    """`render()`'s page, or the copy kept of it for up to `seconds` (0: never kept)."""
    if (
        not seconds
        or request.user.is_authenticated
        or request.GET  # a first page only: other paths would fill the cache
        or len(get_messages(request))
    ):
        return render()
    version = cache.get(_version_key(name), 0)
    key = f"page:{name}:{version}:{get_language()}:{timezone.get_current_timezone_name()}"
    kept = cache.get(key)
    if kept is None:
        response = render()
        if response.status_code == 200:
            cache.set(key, TOKEN.sub(PLACEHOLDER, response.content.decode()), seconds)
        return response
    return HttpResponse(kept.replace("__csrf_token__", get_token(request)))


def visitor_page_forget_on_commit(name: str) -> None:
    """Once the transaction commits, the kept copies of page `name` are out of date."""

    transaction.on_commit(partial(counter_incr, _version_key(name)))
