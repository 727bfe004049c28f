"""What every page needs to know about its reader and posts."""

from functools import partial

from django.conf import settings

from posts.services import can_delete_any_post


def moderation(request):
    """`can_delete_any_post`, evaluated only by pages that ask (a call, not a query)."""
    return {"can_delete_any_post": partial(can_delete_any_post, request.user)}


def translation(request):
    """`translation_on`: whether members can have posts translated (a provider is set)."""
    return {"translation_on": bool(settings.TRANSLATOR_URL)}
