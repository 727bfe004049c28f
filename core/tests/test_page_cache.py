"""Visitors' explore page kept a few seconds: the same page for every visitor of a
language and zone, each with their own CSRF token; never for members, never with a
message; out of date as soon as a post is written or deleted."""

import re

import pytest
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from posts.services import post_create, post_delete
from posts.tests.factories import PostFactory
from posts.views import explore

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def kept(settings):
    settings.EXPLORE_CACHE_SECONDS = 5
    cache.clear()


def visit(client=None, **headers):
    client = client or Client(enforce_csrf_checks=True)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("explore"), **headers)
    return response, len(queries)


def test_a_second_visitor_gets_the_kept_page_with_their_own_token(user):
    PostFactory(author=user, body="Hello visitors")
    first, first_queries = visit()
    second_client = Client(enforce_csrf_checks=True)
    second, second_queries = visit(second_client)
    assert (first_queries, second_queries) == (1, 0)
    assert "Hello visitors" in second.content.decode()
    token = TOKEN.search(second.content.decode()).group(1)
    assert token != TOKEN.search(first.content.decode()).group(1)
    # The kept page's form works for the second visitor: their token, their cookie.
    response = second_client.post(reverse("set_language"),
                                  {"language": "es", "csrfmiddlewaretoken": token})  # fmt: skip
    assert response.status_code == 302


def test_kept_per_language_and_never_for_members(member_client, user):
    visit()
    assert visit(HTTP_ACCEPT_LANGUAGE="es")[1] == 1  # another language: its own copy
    assert "Explorar" in visit(HTTP_ACCEPT_LANGUAGE="es")[0].content.decode()
    _response, queries = visit(member_client)
    assert queries > 0  # a member's page is theirs
    assert visit(Client(), QUERY_STRING="before=1-1")[1] == 1  # deeper pages are not kept


def test_a_new_or_deleted_post_shows_at_once(user, django_capture_on_commit_callbacks):
    visit()
    with django_capture_on_commit_callbacks(execute=True):
        post = post_create(author=user, body="Fresh news")
    assert "Fresh news" in visit()[0].content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        post_delete(post=post, actor=user)
    assert "Fresh news" not in visit()[0].content.decode()


def test_a_page_with_a_message_is_neither_kept_nor_taken(rf, user):
    visit()  # a copy is kept
    request = rf.get(reverse("explore"))
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    request.user = AnonymousUser()
    messages.success(request, "Your account is deleted.")
    response = explore(request)
    assert "Your account is deleted." in response.content.decode()
