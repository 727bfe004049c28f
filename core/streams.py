"""Turbo Stream answers to requests (the pushes over WebSocket are core.live's)."""

from django.http import HttpResponse

CONTENT_TYPE = "text/vnd.turbo-stream.html; charset=utf-8"


def turbo_stream_response(content: str, *, status: int = 200, headers=None) -> HttpResponse:
    """An HTTP answer of Turbo Stream actions, its charset said (django-turbo-helper's
    TurboStreamResponse leaves it out, and clients other than browsers guess Latin-1)."""
    return HttpResponse(content, content_type=CONTENT_TYPE, status=status, headers=headers)
